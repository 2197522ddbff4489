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

    private MotoProcess? _moto;

    public string ServiceUrl => _moto?.ServiceUrl ?? "";

    public async Task InitializeAsync() =>
        _moto = await MotoProcess.StartAsync(port => StartInfo(port.ToString(CultureInfo.InvariantCulture)));

    /// <summary>How the server is started on <paramref name="port"/>.</summary>
    protected virtual ProcessStartInfo StartInfo(string port) => new("moto_server", ["-H", "127.0.0.1", "-p", port]);

    public Task DisposeAsync()
    {
        _moto?.Dispose();
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

    /// <summary>
    /// A loopback URL nothing answers on: the discard port, which no test binds (a port that was merely free a moment
    /// ago can be taken by a server another test starts, and then answers).
    /// </summary>
    public static string ClosedPortUrl() => "http://127.0.0.1:9";
}
