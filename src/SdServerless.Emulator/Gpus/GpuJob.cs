using System.Diagnostics;

namespace SdServerless.Emulator.Gpus;

/// <summary>A request holding a GPU: what /sdapi/v1/progress reports and what /sdapi/v1/interrupt stops.</summary>
internal sealed class GpuJob(string name, EmulatedGpu gpu, TimeSpan expected, int steps, CancellationToken shutdown) : IDisposable
{
    private readonly CancellationTokenSource _interrupt = CancellationTokenSource.CreateLinkedTokenSource(shutdown);

    public string Name => name;

    public EmulatedGpu Gpu => gpu;

    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    public string Timestamp { get; } = DateTime.Now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public TimeSpan Expected => expected;

    public int Steps => steps;

    public bool Interrupted { get; private set; }

    public CancellationToken Token => _interrupt.Token;

    public double Progress =>
        expected <= TimeSpan.Zero ? 0 : Math.Clamp(Stopwatch.GetElapsedTime(StartedAt) / expected, 0, 0.99);

    public TimeSpan Remaining => expected - Stopwatch.GetElapsedTime(StartedAt) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public void Interrupt()
    {
        Interrupted = true;
        _interrupt.Cancel();
    }

    public void Dispose() => _interrupt.Dispose();
}
