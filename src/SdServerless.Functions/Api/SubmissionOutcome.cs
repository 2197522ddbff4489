using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Api;

/// <summary>What became of a submission; each maps to one answer of the API.</summary>
public enum SubmissionResult
{
    /// <summary>New task, now on the queue.</summary>
    Accepted,

    /// <summary>The same id and request were accepted before: same answer, no new work.</summary>
    Replayed,

    /// <summary>The id belongs to a different request.</summary>
    Conflict,

    /// <summary>The queue is deeper than the configured limit: retry later.</summary>
    Busy,

    /// <summary>The queue or the store could not be reached; nothing was accepted, the request may be sent again.</summary>
    Unavailable,
}

/// <summary>A submission's result and, when it was accepted or replayed, the task's record.</summary>
/// <param name="Result">What became of the submission.</param>
/// <param name="Record">The accepted task's record, whose answer is repeated; null unless accepted or replayed.</param>
/// <param name="Detail">What went wrong for an unavailable submission; null otherwise.</param>
public sealed record SubmissionOutcome(SubmissionResult Result, TaskRecord? Record, string? Detail = null);
