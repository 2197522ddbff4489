using System.Diagnostics;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>moto_server (S3, SQS, DynamoDB) on a free loopback port, for one scenario run; killed when disposed.</summary>
public sealed class MotoProcess : IDisposable
{
    private readonly Process _process;

    private MotoProcess(Process process, string serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public string ServiceUrl { get; }

    public static async Task<MotoProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Next();
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("moto_server is not on PATH; the aws-pool scenario needs it: pip install \"moto[server]\"", e);
        }

        // moto logs every request on stderr; reading it keeps the pipe from filling.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var moto = new MotoProcess(process, $"http://127.0.0.1:{port}");
        try
        {
            await moto.WaitUntilAnsweringAsync(cancellationToken);
            return moto;
        }
        catch
        {
            moto.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before answering");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(ServiceUrl + "/moto-api/"), cancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"moto_server did not answer on {ServiceUrl} within 60 s");
    }
}
