using System.Diagnostics;
using System.Text;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>
/// The published bootstrap as a child process pointed at a <see cref="RuntimeApiEmulator"/>, with only the
/// environment the test gives it (nothing of this machine's AWS or SdServerless settings leaks in).
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BootstrapProcess(Process process) => _process = process;

    /// <summary>Everything it wrote to stdout and stderr (JSON log lines, EMF lines).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static async Task<BootstrapProcess> StartAsync(RuntimeApiEmulator runtimeApi, string handler, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(await PublishedBootstrap.PathAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

        var process = Process.Start(start) ?? throw new InvalidOperationException("the bootstrap did not start");
        var bootstrap = new BootstrapProcess(process);
        process.OutputDataReceived += (_, line) => bootstrap.Append(line.Data);
        process.ErrorDataReceived += (_, line) => bootstrap.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bootstrap;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
