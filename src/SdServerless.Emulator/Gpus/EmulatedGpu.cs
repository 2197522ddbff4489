using System.Diagnostics;

namespace SdServerless.Emulator;

/// <summary>
/// One emulated GPU: the checkpoint it has loaded and counters for tests and benchmarks.
/// Counters are updated when a job ends; <see cref="IsBusy"/> and <see cref="LoadedModel"/> are live.
/// </summary>
public sealed class EmulatedGpu
{
    private readonly Lock gate = new();
    private long busyTicks;
    private long requests;
    private long switches;
    private int running;
    private int peakRunning;
    private long busySince;

    internal EmulatedGpu(int index, EmulatorModel loaded)
    {
        Index = index;
        LoadedModel = loaded;
    }

    public int Index { get; }

    public EmulatorModel LoadedModel { get; private set; }

    public bool IsBusy { get; private set; }

    /// <summary>Requests this GPU has served (generation and extras).</summary>
    public long RequestCount => Interlocked.Read(ref requests);

    public long ModelSwitches => Interlocked.Read(ref switches);

    /// <summary>Time this GPU was held by requests (model loads and generation), finished jobs only.</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref busyTicks));

    /// <summary>Most jobs this GPU ever ran at once: 1 unless the one-at-a-time rule was broken.</summary>
    public int PeakConcurrency => Volatile.Read(ref peakRunning);

    internal void Start()
    {
        lock (gate)
        {
            IsBusy = true;
            running++;
            peakRunning = Math.Max(peakRunning, running);
            busySince = Stopwatch.GetTimestamp();
        }
    }

    internal void Finish()
    {
        lock (gate)
        {
            running--;
            IsBusy = running > 0;
            Interlocked.Add(ref busyTicks, Stopwatch.GetTimestamp() - busySince);
            Interlocked.Increment(ref requests);
        }
    }

    internal void Load(EmulatorModel model)
    {
        LoadedModel = model;
        Interlocked.Increment(ref switches);
    }
}
