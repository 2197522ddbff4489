using System.Diagnostics;

namespace SdServerless.Emulator;

/// <summary>
/// One emulated GPU: the checkpoint it has loaded and counters for tests and benchmarks.
/// Counters are updated when a job ends; <see cref="IsBusy"/> and <see cref="LoadedModel"/> are live.
/// </summary>
public sealed class EmulatedGpu
{
    private readonly Lock _gate = new();
    private long _busyTicks;
    private long _requests;
    private long _switches;
    private int _running;
    private int _peakRunning;
    private long _busySince;

    internal EmulatedGpu(int index, EmulatorModel loaded)
    {
        Index = index;
        LoadedModel = loaded;
    }

    /// <summary>The GPU's position in <see cref="SdWebUiEmulator.Gpus"/>, from 0; job records name GPUs by it.</summary>
    public int Index { get; }

    /// <summary>The checkpoint the GPU has loaded now; a request for another one pays the switch delay first.</summary>
    public EmulatorModel LoadedModel { get; private set; }

    /// <summary>Whether a request holds the GPU now.</summary>
    public bool IsBusy { get; private set; }

    /// <summary>Requests this GPU has served (generation and extras).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Checkpoint loads this GPU has done for requests (the initial load at start not counted).</summary>
    public long ModelSwitches => Interlocked.Read(ref _switches);

    /// <summary>Time this GPU was held by requests (model loads and generation), finished jobs only.</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>Most jobs this GPU ever ran at once: 1 unless the one-at-a-time rule was broken.</summary>
    public int PeakConcurrency => Volatile.Read(ref _peakRunning);

    internal void Start()
    {
        lock (_gate)
        {
            IsBusy = true;
            _running++;
            _peakRunning = Math.Max(_peakRunning, _running);
            _busySince = Stopwatch.GetTimestamp();
        }
    }

    internal void Finish()
    {
        lock (_gate)
        {
            _running--;
            IsBusy = _running > 0;
            Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - _busySince);
            Interlocked.Increment(ref _requests);
        }
    }

    internal void Load(EmulatorModel model)
    {
        LoadedModel = model;
        Interlocked.Increment(ref _switches);
    }
}
