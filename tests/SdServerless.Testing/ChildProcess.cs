using System.Diagnostics;

namespace SdServerless.Testing;

/// <summary>
/// A child process of a test or a benchmark scenario (moto_server, the emulator, a Lambda environment, a GPU server)
/// whose last output lines are kept for the error message when something goes wrong, and whose lines can be watched;
/// killed with its children when disposed.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Called with every line the process writes (on the reader's thread).</summary>
    public event Action<string>? Line;

    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public static ChildProcess Start(ProcessStartInfo start, string name)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Starts the process and waits until it answers on <paramref name="url"/> (see <see cref="WaitUntilAnsweringAsync"/>);
    /// kills it if it never does.
    /// </summary>
    public static async Task<ChildProcess> StartAnsweringAsync(
        ProcessStartInfo start, string name, Uri url, Func<HttpResponseMessage, bool>? answered, CancellationToken cancellationToken)
    {
        var child = Start(start, name);
        try
        {
            await child.WaitUntilAnsweringAsync(url, answered, cancellationToken);
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Polls a GET of <paramref name="url"/> until an answer that <paramref name="answered"/> accepts (any answer, when
    /// null). Throws, with the process's last lines, an <see cref="InvalidOperationException"/> if the process exits
    /// first and a <see cref="TimeoutException"/> if it has not answered within 60 s.
    /// </summary>
    public async Task WaitUntilAnsweringAsync(Uri url, Func<HttpResponseMessage, bool>? answered, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before answering on {url}:\n{Tail}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (answered?.Invoke(response) ?? true)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The client's own timeout: the process is not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not answer on {url} within 60 s:\n{Tail}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A start of <paramref name="fileName"/> with none of this process's AWS or SdServerless settings.</summary>
    public static ProcessStartInfo CleanStart(string fileName)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("AWS_", StringComparison.Ordinal) || n.StartsWith("SDSERVERLESS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }

        Line?.Invoke(line);
    }
}
