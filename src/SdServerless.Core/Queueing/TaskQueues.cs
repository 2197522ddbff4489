namespace SdServerless.Core.Queueing;

/// <summary>
/// Which queue holds each runtime's tasks. A runtime with a queue of its own has its own dispatchers, so a backlog of
/// one runtime never occupies another's; the others share the default queue. Each queue has a name, the last part of
/// its URL or ARN, by which a dispatcher finds the queue a record came from (to hide it again or to put its task back).
/// </summary>
public sealed class TaskQueues
{
    private readonly Dictionary<string, ITaskQueue> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _nameByRuntime = new(StringComparer.Ordinal);

    /// <summary>Starts with the default queue, which takes every runtime not given one of its own by <see cref="Add"/>.</summary>
    /// <param name="defaultName">The default queue's name (see <see cref="NameOf"/>).</param>
    /// <param name="defaultQueue">The default queue.</param>
    public TaskQueues(string defaultName, ITaskQueue defaultQueue)
    {
        DefaultName = defaultName;
        _byName[defaultName] = defaultQueue;
    }

    /// <summary>The name of the queue shared by runtimes without a queue of their own.</summary>
    public string DefaultName { get; }

    /// <summary>The queue shared by runtimes without a queue of their own.</summary>
    public ITaskQueue Default => _byName[DefaultName];

    /// <summary>Every distinct queue, by name.</summary>
    public IReadOnlyDictionary<string, ITaskQueue> ByName => _byName;

    /// <summary>One queue for every runtime (tests, single-runtime hosts).</summary>
    public static TaskQueues Single(ITaskQueue queue) => new("tasks", queue);

    /// <summary>The queue's name in an SQS URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME) or ARN (arn:aws:sqs:REGION:ACCOUNT:NAME).</summary>
    public static string NameOf(string urlOrArn)
    {
        var trimmed = urlOrArn.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOfAny(['/', ':']) + 1)..];
    }

    /// <summary>Gives <paramref name="runtime"/> the queue named <paramref name="name"/> (several runtimes may share one).</summary>
    public TaskQueues Add(string runtime, string name, ITaskQueue queue)
    {
        _byName.TryAdd(name, queue);
        _nameByRuntime[runtime] = name;
        return this;
    }

    /// <summary>The name of the queue a task of <paramref name="runtime"/> is sent to: its own, else the default's.</summary>
    /// <param name="runtime">A runtime name; an unknown one gets the default queue.</param>
    public string NameFor(string runtime) => _nameByRuntime.GetValueOrDefault(runtime, DefaultName);

    /// <summary>The queue a task of <paramref name="runtime"/> is sent to.</summary>
    public ITaskQueue For(string runtime) => _byName[NameFor(runtime)];

    /// <summary>The queue a record came from (its eventSourceARN); the default queue when the record does not say.</summary>
    public ITaskQueue ForEventSource(string? eventSourceArn) =>
        eventSourceArn is { Length: > 0 } && _byName.TryGetValue(NameOf(eventSourceArn), out var queue) ? queue : Default;
}
