using SdServerless.Local.Queueing;

namespace SdServerless.IntegrationTests.Queueing;

[Trait("Category", "Integration")]
public sealed class FileTaskQueueContractTests : TaskQueueContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sdserverless-queue-").FullName;
    private FileTaskQueue? _queue;

    public override async Task DisposeAsync()
    {
        if (_queue is not null)
        {
            await _queue.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<(ITaskQueue Queue, ITaskQueue DeadLetter)> CreateQueueAsync(int maxReceiveCount)
    {
        _queue = FileTaskQueue.Open(Path.Combine(_directory, "tasks"), new FileTaskQueueOptions { MaxReceiveCount = maxReceiveCount });
        return Task.FromResult<(ITaskQueue, ITaskQueue)>((_queue, _queue.DeadLetter!));
    }

    protected override Task<ITaskQueue> CreateUnreachableQueueAsync()
    {
        // A queue directory below a regular file can never be created.
        var file = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(file, "x");
        return Task.FromResult<ITaskQueue>(FileTaskQueue.Open(Path.Combine(file, "tasks")));
    }
}
