namespace SdServerless.Core.Validation;

/// <param name="Field">The JSON path of the failing field as the client wrote it, e.g. "task.metadata.id"; "body" for the whole body.</param>
public sealed record FieldError(string Field, string Message);
