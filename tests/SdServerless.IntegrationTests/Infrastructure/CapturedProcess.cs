namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// A child process whose stdout and stderr are kept, line by line, so that a failing test can show them; killed with
/// its children (SIGKILL: no shutdown code runs, as in a crash) when asked or disposed.
/// </summary>
public sealed class CapturedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process) => _process = process;

    /// <summary>Everything it wrote to stdout and stderr so far.</summary>
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

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="start"/> with both streams redirected to <see cref="Output"/>.</summary>
    public static CapturedProcess Start(ProcessStartInfo start, string what)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
        var captured = new CapturedProcess(process);
        process.OutputDataReceived += (_, line) => captured.Append(line.Data);
        process.ErrorDataReceived += (_, line) => captured.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return captured;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM to the process alone (not its children), as a service manager stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
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
