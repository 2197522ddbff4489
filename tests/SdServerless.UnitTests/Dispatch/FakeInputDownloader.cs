using System.Collections.Concurrent;

namespace SdServerless.UnitTests.Dispatch;

/// <summary>Serves URL inputs from a dictionary; an unknown URL fails as a 404 would.</summary>
public sealed class FakeInputDownloader : IInputDownloader
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public ConcurrentQueue<string> Downloaded { get; } = new();

    public Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string field, CancellationToken cancellationToken)
    {
        Downloaded.Enqueue(url);
        return Files.TryGetValue(url, out var bytes)
            ? Task.FromResult<ReadOnlyMemory<byte>>(bytes)
            : throw DispatchFailure.Permanent(DispatchErrorTypes.InputUnavailable, $"{field}: {url} answered 404");
    }
}
