using System.Diagnostics;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>moto_server (S3, SQS, DynamoDB) on a free loopback port, for one scenario run; killed when disposed.</summary>
public sealed class MotoProcess : IDisposable
{
    private readonly ChildProcess _process;

    private MotoProcess(ChildProcess process, string serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public string ServiceUrl { get; }

    public static async Task<MotoProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Next();
        var serviceUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            // moto logs every request; the child process reads its output, which keeps the pipe from filling.
            return new MotoProcess(await ChildProcess.StartAnsweringAsync(start, "moto_server", new Uri(serviceUrl + "/moto-api/"), answered: null, cancellationToken), serviceUrl);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("moto_server is not on PATH; the aws-pool scenario needs it: pip install \"moto[server]\"", e);
        }
    }

    public void Dispose() => _process.Dispose();
}
