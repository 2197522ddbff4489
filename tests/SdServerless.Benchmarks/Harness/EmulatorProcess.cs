using System.Diagnostics;
using System.Reflection;

namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// The SD Web UI emulator in a child process (this program's <c>emulator-server</c> mode), so that the memory the
/// benchmark process allocates is the control plane's alone, not the emulator's PNG encoding.
/// </summary>
public sealed class EmulatorProcess : IDisposable
{
    private readonly ChildProcess _process;

    private EmulatorProcess(ChildProcess process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <param name="noiseBits">See EmulatorOptions.ImageNoiseBits.</param>
    public static async Task<EmulatorProcess> StartAsync(int workers, int delayMs, int noiseBits, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Next()}";
        var start = SelfStartInfo();
        foreach (var arg in Arguments(url, workers, delayMs, noiseBits))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = await ChildProcess.StartAnsweringAsync(
            start, "the emulator process", new Uri(url + "/sdapi/v1/sd-models"), response => response.IsSuccessStatusCode, cancellationToken);
        return new EmulatorProcess(process, url);
    }

    /// <summary>This program's command line of an emulator-server child process.</summary>
    public static IEnumerable<string> Arguments(string url, int workers, int delayMs, int noiseBits) =>
    [
        BenchmarkCommandLine.EmulatorServerMode, "--urls", url, "--emulator-workers", Number(workers), "--emulator-delay-ms", Number(delayMs),
        "--emulator-noise-bits", Number(noiseBits),
    ];

    /// <summary>This program again: the apphost, or <c>dotnet</c> with this assembly when run as <c>dotnet x.dll</c>.</summary>
    public static ProcessStartInfo SelfStartInfo()
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        return start;
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _process.Dispose();
}
