using System.Collections.Concurrent;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// One run of a task: its images are staged under keys of its own until it commits (see <see cref="TaskOutputWriter"/>),
/// so that two runs of the same task (a redelivery while the first still writes) never mix their images.
/// </summary>
public sealed class OutputAttempt : IDisposable
{
    private readonly ConcurrentDictionary<string, StagedImage> _staged = new(StringComparer.Ordinal);
    private readonly Action _end;

    internal OutputAttempt(string taskId, Action end)
    {
        TaskId = taskId;
        _end = end;
    }

    /// <summary>The task this run belongs to.</summary>
    public string TaskId { get; }

    /// <summary>Unique to this run; names the folder its images are staged in.</summary>
    public string Token { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The images staged so far, by their final key.</summary>
    public IReadOnlyCollection<StagedImage> Staged => [.. _staged.Values];

    internal void Add(StagedImage image) => _staged[image.Key] = image;

    /// <summary>Ends the run: images written afterwards in this flow are no longer staged for it.</summary>
    public void Dispose() => _end();
}
