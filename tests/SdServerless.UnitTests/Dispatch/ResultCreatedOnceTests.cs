namespace SdServerless.UnitTests.Dispatch;

/// <summary>
/// result.json is created once and never replaced: the run that finds it absent may still lose the race to write it,
/// and then its content does not replace the winner's (the callback fires once, for what is stored).
/// </summary>
public sealed class ResultCreatedOnceTests
{
    private static readonly SdTask Task = DispatcherHarness.Task("once", TaskType.TextToImage, """{"prompt":"a cat"}""");
    private static readonly string ResultKey = TaskKeys.Result(Task.Prefix, Task.Id);
    private static readonly byte[] Winner = Encoding.UTF8.GetBytes("""{"id_task":"once","status":"succeeded","written_by":"the other run"}""");

    [Fact]
    public async Task AResultJsonWrittenByAnotherRunAfterThisOneLookedIsNotReplaced()
    {
        var stored = new InMemoryObjectStore();
        var writer = new TaskOutputWriter(new RacingStore(stored, ResultKey, Winner));

        bool created;
        using (writer.BeginAttempt(Task))
        {
            await writer.WriteImageAsync(Task, 1, FakeSdWebUi.Png(1), CancellationToken.None);
            created = await writer.WriteResultAsync(Task, Result(), CancellationToken.None);
        }

        Assert.False(created, "a second result.json was reported as written: its callback would fire twice");
        Assert.Equal(Winner, (await stored.GetAsync(ResultKey, CancellationToken.None))!.Content.ToArray());
    }

    private static TaskResult Result() => new()
    {
        IdTask = Task.Id,
        Runtime = Task.Runtime,
        Tasktype = Task.TaskType,
        Status = TaskStatus.Succeeded,
        Images = [],
        CreatedAt = DateTimeOffset.UnixEpoch,
        CompletedAt = DateTimeOffset.UnixEpoch,
        Attempts = 1,
    };

    /// <summary>
    /// A store in which another run writes result.json right after this run's first look found none: the window a
    /// replacing write would fall into.
    /// </summary>
    private sealed class RacingStore(InMemoryObjectStore inner, string resultKey, byte[] winner) : IObjectStore
    {
        private int _looked;

        public string BucketName => inner.BucketName;

        public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
        {
            var found = await inner.GetAsync(key, cancellationToken);
            if (key == resultKey && found is null && Interlocked.Exchange(ref _looked, 1) == 0)
            {
                await inner.TryCreateAsync(resultKey, winner, "application/json", cancellationToken);
            }

            return found;
        }

        public Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
            inner.TryCreateAsync(key, content, contentType, cancellationToken);

        public Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken) =>
            inner.TryReplaceAsync(key, content, contentType, eTag, cancellationToken);

        public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
            inner.PutAsync(key, content, contentType, cancellationToken);

        public Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
            inner.CopyAsync(sourceKey, destinationKey, cancellationToken);

        public Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
