using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// A task could not be generated. Transient failures (the pool is unreachable or busy, a timeout) are retried
/// through the queue; permanent ones (SD Web UI rejected the request, a bad input, an unknown model) fail the task at once.
/// </summary>
public sealed class DispatchFailure(TaskError error, bool transient, Exception? innerException = null, int? attemptLimit = null)
    : Exception(error.Message, innerException)
{
    /// <summary>What result.json reports if the task ends with this failure.</summary>
    public TaskError Error { get; } = error;

    /// <summary>Whether another attempt may succeed: the message goes back to the queue instead of failing the task.</summary>
    public bool IsTransient { get; } = transient;

    /// <summary>Attempts worth making for this failure (fewer than the task's limit), or null for the task's limit.</summary>
    public int? AttemptLimit { get; } = attemptLimit;

    /// <summary>The server a retry must not use (the attempt ran out of memory there); null: any.</summary>
    public string? AvoidServer { get; init; }

    /// <summary>A failure that fails the task at once.</summary>
    public static DispatchFailure Permanent(string type, string message, Exception? inner = null) => new(new TaskError(type, message), false, inner);

    /// <summary>A failure worth retrying, up to <paramref name="attemptLimit"/> attempts when given.</summary>
    public static DispatchFailure Transient(string type, string message, Exception? inner = null, int? attemptLimit = null) =>
        new(new TaskError(type, message), true, inner, attemptLimit);
}
