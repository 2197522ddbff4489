using SdServerless.Benchmarks.Harness;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>
/// The published bootstrap as a child process pointed at a <see cref="RuntimeApiEmulator"/>, with only the
/// environment the test gives it (nothing of this machine's AWS or SdServerless settings leaks in).
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private BootstrapProcess(CapturedProcess process) => _process = process;

    /// <summary>Everything it wrote to stdout and stderr (JSON log lines, EMF lines).</summary>
    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static async Task<BootstrapProcess> StartAsync(RuntimeApiEmulator runtimeApi, string handler, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(await PublishedBootstrap.PathAsync());
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("AWS_", StringComparison.Ordinal) || n.StartsWith("SDSERVERLESS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address;
        start.Environment["_HANDLER"] = handler;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new BootstrapProcess(CapturedProcess.Start(start, "the bootstrap"));
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
