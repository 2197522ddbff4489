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

    public bool IsValid => Task is not null && Errors.Count == 0;

    public static TaskParseResult Valid(SdTask task, string requestHash) => new(task, [], false, requestHash);

    public static TaskParseResult Invalid(IReadOnlyList<FieldError> errors) => new(null, errors, false, null);

    public static TaskParseResult Malformed(string message) => new(null, [new FieldError("body", message)], true, null);
}
