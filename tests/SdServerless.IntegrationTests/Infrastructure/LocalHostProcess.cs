using System.Net.Sockets;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// The local host as a real child process (`dotnet SdServerless.Local.dll …`) on a free loopback port, with its own data
/// directory. Its output is kept so a failing test can show it; it can be killed with SIGKILL and started again.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private LocalHostProcess(CapturedProcess process, Uri baseUri, string dataDirectory)
    {
        _process = process;
        BaseUri = baseUri;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUri { get; }

    public string DataDirectory { get; }

    public string Output => _process.Output;

    /// <summary>The most memory the process has held (Linux's VmHWM), in bytes.</summary>
    public long PeakResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();

    public HttpClient CreateClient() => new() { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    public string ObjectPath(string key, string bucket = "outputbucket") => Path.Combine(DataDirectory, "s3", bucket, key);

    public static Task<LocalHostProcess> StartAsync(string? dataDirectory = null, params string[] extraArgs) =>
        StartWithEnvironmentAsync(new Dictionary<string, string>(), dataDirectory, extraArgs);

    /// <param name="environment">Variables set for the process on top of this one's (a GC heap limit, say).</param>
    public static async Task<LocalHostProcess> StartWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, string? dataDirectory, params string[] extraArgs)
    {
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("sdserverless-local-").FullName;
        var port = LoopbackPort.Next();
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(BuildOutput.LocalHostDll);
        foreach (var arg in new[] { "--urls", baseUri.ToString().TrimEnd('/'), "--data", data }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var host = new LocalHostProcess(CapturedProcess.Start(start, "the local host"), baseUri, data);
        await host.WaitUntilListeningAsync(port);
        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the local host exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"the local host did not listen on {port} within 60 s:\n{Output}");
    }
}
