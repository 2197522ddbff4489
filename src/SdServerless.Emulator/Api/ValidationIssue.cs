namespace SdServerless.Emulator.Api;

/// <summary>
/// One entry of FastAPI's 422 "detail" list. <see cref="Location"/> follows "body" in "loc" (a field name, then a
/// list index where the fault is inside a list); <see cref="ContextJson"/> is pydantic's optional "ctx" object.
/// </summary>
internal sealed record ValidationIssue(IReadOnlyList<object> Location, string Message, string Type, string? ContextJson = null);
