namespace SdServerless.Core.Tasks;

/// <param name="Type">A stable machine-readable kind, e.g. "sdwebui_rejected", "input_not_found", "unknown_model", "pool_unavailable".</param>
public sealed record TaskError(string Type, string Message);
