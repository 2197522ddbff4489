namespace SdServerless.Core.Validation;

/// <summary>One reason a request was refused, as the problem response's errors list carries it.</summary>
/// <param name="Field">The JSON path of the failing field as the client wrote it, e.g. "task.metadata.id"; "body" for the whole body.</param>
/// <param name="Message">What is wrong with the field, in a phrase that follows its name ("must be a string").</param>
public sealed record FieldError(string Field, string Message);
