using System.Diagnostics;
using System.Globalization;

namespace SdServerless.Testing;

/// <summary>
/// moto_server (S3, SQS, DynamoDB) on a free loopback port, for the integration tests' fixtures and the aws-pool
/// benchmark alike; killed when disposed.
/// </summary>
public sealed class MotoProcess : IDisposable
{
    private readonly ChildProcess _process;

    private MotoProcess(ChildProcess process, string serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public string ServiceUrl { get; }

    /// <param name="start">How to start a moto server on the given port; null: moto_server itself.</param>
    public static async Task<MotoProcess> StartAsync(Func<int, ProcessStartInfo>? start = null, CancellationToken cancellationToken = default)
    {
        var port = LoopbackPort.Next();
        var serviceUrl = $"http://127.0.0.1:{port}";
        var startInfo = (start ?? MotoServer)(port);
        try
        {
            // moto logs every request; the child process reads its output, which keeps the pipe from filling.
            var process = await ChildProcess.StartAnsweringAsync(startInfo, "moto_server", new Uri(serviceUrl + "/moto-api/"), answered: null, cancellationToken);
            return new MotoProcess(process, serviceUrl);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{startInfo.FileName} is not on PATH; the tests and benchmarks on moto need it: pip install \"moto[server]\"", e);
        }
    }

    public void Dispose() => _process.Dispose();

    private static ProcessStartInfo MotoServer(int port) =>
        new("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)]);
}
