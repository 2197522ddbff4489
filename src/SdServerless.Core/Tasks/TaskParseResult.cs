using SdServerless.Core.Validation;

namespace SdServerless.Core.Tasks;

/// <summary>What <see cref="TaskParser"/> made of a request body: a task, or every reason why not.</summary>
public sealed class TaskParseResult
{
    private TaskParseResult(SdTask? task, IReadOnlyList<FieldError> errors, bool isMalformedJson, string? requestHash)
    {
        Task = task;
        Errors = errors;
        IsMalformedJson = isMalformedJson;
        RequestHash = requestHash;
    }

    /// <summary>The task, when the body is valid.</summary>
    public SdTask? Task { get; }

    /// <summary>Every failing field; empty when valid.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>The body is not JSON at all (then <see cref="Errors"/> holds one "body" entry with line and position).</summary>
    public bool IsMalformedJson { get; }

    /// <summary>Hex SHA-256 of the body's canonical JSON (see <see cref="Tasks.RequestHash"/>); null unless valid.</summary>
    public string? RequestHash { get; }

    /// <summary>A task came out and nothing failed: the body may be accepted.</summary>
    public bool IsValid => Task is not null && Errors.Count == 0;

    /// <summary>A valid body.</summary>
    /// <param name="task">The task it describes.</param>
    /// <param name="requestHash">Its <see cref="Tasks.RequestHash"/>, which a re-sent request must match to get the same answer.</param>
    public static TaskParseResult Valid(SdTask task, string requestHash) => new(task, [], false, requestHash);

    /// <summary>JSON that does not describe an acceptable task.</summary>
    /// <param name="errors">Every failing field, at least one.</param>
    public static TaskParseResult Invalid(IReadOnlyList<FieldError> errors) => new(null, errors, false, null);

    /// <summary>A body that is not JSON at all.</summary>
    /// <param name="message">What the JSON reader said, with line and position.</param>
    public static TaskParseResult Malformed(string message) => new(null, [new FieldError("body", message)], true, null);
}
