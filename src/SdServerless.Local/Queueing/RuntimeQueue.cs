using SdServerless.Core.Runtimes;

namespace SdServerless.Local.Queueing;

/// <summary>
/// One runtime's durable task queue in the local host, with the name its records carry in their eventSourceARN.
/// </summary>
public sealed record RuntimeQueue(RuntimeConfig Runtime, string Name, FileTaskQueue Queue)
{
    /// <summary>The ARN the local host puts in the records of this queue, as Lambda's event source mapping does.</summary>
    public string Arn => $"arn:aws:sqs:local:000000000000:{Name}";

    /// <summary>
    /// The first runtime keeps the queue a data directory had before runtimes had queues of their own
    /// (<c>queues/tasks</c>), so that an existing directory resumes its tasks; the others get <c>queues/tasks-NAME</c>.
    /// </summary>
    public static RuntimeQueue Open(string queuesDirectory, RuntimeConfig runtime, bool first, FileTaskQueueOptions options)
    {
        var directory = first ? "tasks" : $"tasks-{runtime.Name}";
        return new RuntimeQueue(runtime, $"sdserverless-{directory}", FileTaskQueue.Open(Path.Combine(queuesDirectory, directory), options));
    }
}
