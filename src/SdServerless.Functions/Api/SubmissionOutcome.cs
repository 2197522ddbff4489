using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Api;

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

public sealed record SubmissionOutcome(SubmissionResult Result, TaskRecord? Record, string? Detail = null);
