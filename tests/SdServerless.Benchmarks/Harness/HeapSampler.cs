namespace SdServerless.Benchmarks.Harness;

/// <summary>Samples the managed heap size every millisecond on its own thread and keeps the largest value.</summary>
public sealed class HeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _peak;

    public HeapSampler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "heap sampler" };
        _thread.Start();
    }

    /// <summary>Stops sampling; the largest heap size seen, in bytes.</summary>
    public long Stop()
    {
        _stopped = true;
        _thread.Join();
        return Interlocked.Read(ref _peak);
    }

    public void Dispose()
    {
        if (!_stopped)
        {
            Stop();
        }
    }

    private void Run()
    {
        while (!_stopped)
        {
            var size = GC.GetTotalMemory(forceFullCollection: false);
            if (size > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, size);
            }

            Thread.Sleep(1);
        }
    }
}
