using System.Threading.Channels;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// The SdServerless.TestProbe program as a child process (<c>dotnet SdServerless.TestProbe.dll …</c>), its stdout
/// read line by line, killed with SIGKILL when the test says so.
/// </summary>
public sealed class TestProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private TestProbeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Every line read so far.</summary>
    public IReadOnlyList<string> Lines => _seen;

    public static TestProbeProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuildOutput.TestProbeDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new TestProbeProcess(Process.Start(start) ?? throw new InvalidOperationException("the test probe did not start"));
    }

    /// <summary>Reads lines until one matches; fails when the probe ends or the timeout passes first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cancellation.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    _seen.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the test probe printed no matching line within {timeout}; it printed {_seen.Count} lines");
        }

        throw new InvalidOperationException($"the test probe ended (exit code {ExitCodeOrNone()}) before printing a matching line");
    }

    /// <summary>SIGKILL (no cleanup runs), then collects what the probe had printed before it died.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            _seen.Add(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private string ExitCodeOrNone() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
}
