using System.Net.Http.Json;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>The benchmark's handle on one <see cref="GpuServer"/> child process.</summary>
public sealed class GpuServerProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ChildProcess _process;

    private GpuServerProcess(ChildProcess process, GpuServerOptions options)
    {
        _process = process;
        Options = options;
    }

    public GpuServerOptions Options { get; }

    public string Tail => _process.Tail;

    /// <summary>
    /// Starts the server and waits until its SD Web UI answers (its boot delay then runs in the child). On a machine
    /// shared with other tests a free port can be taken before the child binds it: then it starts again on another.
    /// </summary>
    public static async Task<GpuServerProcess> StartAsync(GpuServerOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(options, cancellationToken);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                options = options with { Url = $"http://127.0.0.1:{LoopbackPort.Next()}" };
            }
        }
    }

    private static async Task<GpuServerProcess> StartOnceAsync(GpuServerOptions options, CancellationToken cancellationToken)
    {
        // This program's build output, also when a test host runs this code.
        var start = ChildProcess.CleanStart("dotnet");
        foreach (var argument in new[] { LambdaProgram.BuiltDll("tests", "SdServerless.Benchmarks", "SdServerless.Benchmarks"), GpuServer.Mode }.Concat(options.ToArguments()))
        {
            start.ArgumentList.Add(argument);
        }

        var process = await ChildProcess.StartAnsweringAsync(
            start, $"the GPU server at {options.Url}", new Uri(options.Url + "/sdapi/v1/sd-models"), response => response.IsSuccessStatusCode, cancellationToken);
        return new GpuServerProcess(process, options);
    }

    /// <summary>Starts the server's boot delay; it joins the pool when the delay ends.</summary>
    public async Task JoinAfterAsync(TimeSpan bootDelay, CancellationToken cancellationToken)
    {
        var after = ((long)bootDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await Http.PostAsync(new Uri($"{Options.Url}{GpuServer.JoinPath}?afterMs={after}"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<GpuServerLog> LogAsync(CancellationToken cancellationToken) =>
        await Http.GetFromJsonAsync(new Uri(Options.Url + GpuServer.JobsPath), BenchmarkJsonContext.Default.GpuServerLog, cancellationToken)
            ?? throw new InvalidOperationException($"the GPU server at {Options.Url} sent no job log");

    public void Dispose() => _process.Dispose();
}
