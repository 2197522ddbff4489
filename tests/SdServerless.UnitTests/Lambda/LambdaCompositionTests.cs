using SdServerless.Core.Telemetry;
using SdServerless.Functions.Callback;
using SdServerless.Lambda.Composition;
using SdServerless.Lambda.Handlers;

namespace SdServerless.UnitTests.Lambda;

public class LambdaCompositionTests
{
    [Theory]
    [InlineData("api", typeof(ApiGatewayLambdaHandler), null)]
    [InlineData("dispatcher", typeof(JsonLambdaHandler<SqsEvent, SqsBatchResponse>), null)]
    [InlineData("dispatcher", typeof(JsonLambdaHandler<SqsEvent, SqsBatchResponse>), "sdserverless-pool")]
    [InlineData("callback", typeof(JsonLambdaHandler<S3Event, EmptyResponse>), null)]
    [InlineData("replay", typeof(JsonLambdaHandler<CallbackReplayRequest, CallbackReplayReport>), null)]
    public void EachHandlerNameBuildsTheHandlerForItsEvent(string handler, Type expected, string? poolTable)
    {
        // Building the clients opens no connection, so unreachable service URLs are fine here.
        var environment = new FakeEnvironmentVariables(new()
        {
            ["_HANDLER"] = handler,
            ["AWS_REGION"] = "us-east-1",
            ["SDSERVERLESS_BUCKET"] = "outb",
            ["SDSERVERLESS_TASK_QUEUE_URL"] = "http://127.0.0.1:9/123456789012/tasks",
            ["SDSERVERLESS_CALLBACK_DLQ_URL"] = "http://127.0.0.1:9/123456789012/callback-dlq",
            ["SDSERVERLESS_WEBHOOK_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-AbCdEf",
            ["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = "http://127.0.0.1:9",
            ["SDSERVERLESS_S3_SERVICE_URL"] = "http://127.0.0.1:9",
            ["SDSERVERLESS_SQS_SERVICE_URL"] = "http://127.0.0.1:9",
            ["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = "http://127.0.0.1:9",
            ["SDSERVERLESS_SECRETSMANAGER_SERVICE_URL"] = "http://127.0.0.1:9",
        });
        if (poolTable is not null)
        {
            environment.Values["SDSERVERLESS_POOL_TABLE"] = poolTable;
        }

        var settings = LambdaOptions.Load(environment);

        var built = LambdaComposition.CreateHandler(
            settings, environment, NullLoggerFactory.Instance, new LoggingTaskMetrics(NullLogger<LoggingTaskMetrics>.Instance), TimeProvider.System);

        Assert.IsType(expected, built);
    }
}
