using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;

namespace SdServerless.Aws;

/// <summary>
/// Builds the S3, SQS and DynamoDB clients. A service URL override points them at a compatible server (moto in the
/// tests); S3 then uses path-style addressing, since such servers do not resolve bucket subdomains.
/// </summary>
public static class AwsClientFactory
{
    /// <summary>The region when AWS_REGION is not set (never on Lambda).</summary>
    public const string FallbackRegion = "us-east-1";

    /// <param name="serviceUrl">null for AWS itself.</param>
    /// <param name="region">null: us-east-1.</param>
    /// <param name="credentials">null: the SDK's default chain (the Lambda role's environment variables).</param>
    public static AmazonS3Client CreateS3(string? serviceUrl, string? region, AWSCredentials? credentials = null)
    {
        var config = new AmazonS3Config();
        Configure(config, serviceUrl, region);
        config.ForcePathStyle = serviceUrl is not null;
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <inheritdoc cref="CreateS3"/>
    public static AmazonSQSClient CreateSqs(string? serviceUrl, string? region, AWSCredentials? credentials = null)
    {
        var config = new AmazonSQSConfig();
        Configure(config, serviceUrl, region);
        return credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
    }

    /// <inheritdoc cref="CreateS3"/>
    public static AmazonDynamoDBClient CreateDynamoDb(string? serviceUrl, string? region, AWSCredentials? credentials = null)
    {
        var config = new AmazonDynamoDBConfig();
        Configure(config, serviceUrl, region);
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    private static void Configure(ClientConfig config, string? serviceUrl, string? region)
    {
        region ??= FallbackRegion;
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region;
        }
    }
}
