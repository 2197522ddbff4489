namespace SdServerless.Core.Tasks;

/// <summary>Why a task failed, as result.json and the callback report it.</summary>
/// <param name="Type">A stable machine-readable kind, e.g. "sdwebui_rejected", "input_not_found", "unknown_model", "pool_unavailable".</param>
/// <param name="Message">What happened, for people: it may change between versions, unlike <paramref name="Type"/>.</param>
public sealed record TaskError(string Type, string Message);
