using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using SdServerless.Aws;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// A moto_server (S3/SQS/DynamoDB-compatible) on a free loopback port, started once for the tests of
/// <see cref="MotoCollection"/> and killed at the end. The tests fail, never skip, when moto_server is missing.
/// </summary>
public class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";

    /// <summary>moto accepts any credentials; these keep the SDK away from the machine's own.</summary>
    public static readonly AWSCredentials Credentials = new BasicAWSCredentials("test", "test");

    private Process? _process;

    public string ServiceUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Next();
        var start = StartInfo(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "moto_server is not on PATH. The S3/SQS integration tests need it: pip install \"moto[server]\"", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ServiceUrl = $"http://127.0.0.1:{port}";
        await WaitUntilAnsweringAsync();
    }

    /// <summary>How the server is started on <paramref name="port"/>.</summary>
    protected virtual ProcessStartInfo StartInfo(string port) => new("moto_server", ["-H", "127.0.0.1", "-p", port]);

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    public AmazonS3Client CreateS3Client() => AwsClientFactory.CreateS3(ServiceUrl, Region, Credentials);

    public AmazonSQSClient CreateSqsClient() => AwsClientFactory.CreateSqs(ServiceUrl, Region, Credentials);

    public AmazonDynamoDBClient CreateDynamoDbClient() => AwsClientFactory.CreateDynamoDb(ServiceUrl, Region, Credentials);

    /// <summary>A new, empty pool table laid out as docs/pool.md says (partition key runtime, sort key sk); its name.</summary>
    public async Task<string> CreatePoolTableAsync()
    {
        var name = $"pool-{Guid.NewGuid():N}";
        using var dynamoDb = CreateDynamoDbClient();
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new AttributeDefinition("runtime", ScalarAttributeType.S),
                new AttributeDefinition("sk", ScalarAttributeType.S),
            ],
            KeySchema = [new KeySchemaElement("runtime", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
        });
        return name;
    }

    /// <summary>A port nothing listens on: what an unreachable S3 or SQS looks like.</summary>
    /// <summary>
    /// A loopback URL nothing answers on: the discard port, which no test binds (a port that was merely free a moment
    /// ago can be taken by a server another test starts, and then answers).
    /// </summary>
    public static string ClosedPortUrl() => "http://127.0.0.1:9";

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before answering");
            }

            try
            {
                using var response = await http.GetAsync($"{ServiceUrl}/moto-api/");
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"moto_server did not answer on {ServiceUrl} within 60 s");
    }
}
