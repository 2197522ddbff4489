namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The moto_server each AWS service of the simulation runs on. On AWS, S3, SQS and DynamoDB answer independently of one
/// another; one moto process serves its requests on one interpreter, so a burst of one runtime's S3 writes delays another
/// runtime's DynamoDB lease. By default each service has its own process (the services stay apart, as on AWS);
/// <c>separate: false</c> runs all three on one, as earlier versions of this benchmark did.
/// </summary>
public sealed class MotoServices : IDisposable
{
    private MotoServices(MotoProcess s3, MotoProcess sqs, MotoProcess dynamoDb)
    {
        S3 = s3;
        Sqs = sqs;
        DynamoDb = dynamoDb;
    }

    public MotoProcess S3 { get; }

    public MotoProcess Sqs { get; }

    public MotoProcess DynamoDb { get; }

    public static async Task<MotoServices> StartAsync(bool separate, CancellationToken cancellationToken)
    {
        var s3 = await MotoProcess.StartAsync(cancellationToken: cancellationToken);
        if (!separate)
        {
            return new MotoServices(s3, s3, s3);
        }

        MotoProcess? sqs = null;
        try
        {
            sqs = await MotoProcess.StartAsync(cancellationToken: cancellationToken);
            return new MotoServices(s3, sqs, await MotoProcess.StartAsync(cancellationToken: cancellationToken));
        }
        catch
        {
            sqs?.Dispose();
            s3.Dispose();
            throw;
        }
    }

    /// <summary>The URL of the moto_server that serves <paramref name="service"/> ("s3", "sqs", "dynamodb").</summary>
    public string UrlFor(string service) => service switch
    {
        "sqs" => Sqs.ServiceUrl,
        "dynamodb" => DynamoDb.ServiceUrl,
        _ => S3.ServiceUrl,
    };

    public void Dispose()
    {
        foreach (var moto in new[] { S3, Sqs, DynamoDb }.Distinct())
        {
            moto.Dispose();
        }
    }
}
