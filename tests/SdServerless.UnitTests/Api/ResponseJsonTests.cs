using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

/// <summary>
/// The exact bodies the API answers, byte for byte: clients (and the README's examples) see property names, their
/// order, explicit nulls versus absent members, number formats and escaping, so none of them may drift.
/// </summary>
public class ResponseJsonTests
{
    private static readonly DateTimeOffset Accepted = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = new(2026, 3, 4, 5, 7, 8, 123, TimeSpan.FromHours(2));

    [Fact]
    public async Task TheV1alpha2SubmitAnswer()
    {
        var answer = await new ApiTestHost(clock: new FakeTimeProvider(Accepted)).PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","output_location":"s3://outputbucket/output/test-i2i","id":"test-i2i"}""", answer);
    }

    [Fact]
    public async Task TheV1alpha1SubmitAnswer()
    {
        var answer = await new ApiTestHost(clock: new FakeTimeProvider(Accepted)).PostAsync("/v1alpha1", Seed("request-v1alpha1.jsonc"));

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","output_location":"s3://outputbucket/output/test-i2i"}""", answer);
    }

    [Theory]
    [InlineData("/v1alpha2", """{"id_task":"test-i2i","runtime":"sdruntime","output_location":"s3://outputbucket/output/test-i2i","id":"test-i2i","status_url":"https://api.example.com/prod/v1alpha2/tasks/test-i2i"}""")]
    [InlineData("/v1alpha1", """{"id_task":"test-i2i","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","output_location":"s3://outputbucket/output/test-i2i","status_url":"https://api.example.com/prod/v1alpha2/tasks/test-i2i"}""")]
    public async Task TheSubmitAnswerWithAPublicBaseUrlEndsWithTheStatusUrl(string path, string expected)
    {
        var host = new ApiTestHost(new SdServerlessOptions { PublicBaseUrl = "https://api.example.com/prod/" });

        var answer = await host.PostAsync(path, Seed(path == "/v1alpha2" ? "request-v1alpha2.jsonc" : "request-v1alpha1.jsonc"));

        AssertJson(200, "application/json", expected, answer);
    }

    [Fact]
    public async Task AQueuedTaskWithoutAPosition()
    {
        var host = await AcceptedHostAsync();

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"queued","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":[],"error":null,"attempts":0,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:06:07.89+00:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Fact]
    public async Task AQueuedTaskWaitingForAServerWithItsPosition()
    {
        var host = await AcceptedHostAsync(queuePosition: 3);
        await PutStateAsync(host, new TaskState { IdTask = "test-i2i", Status = TaskStatus.Queued, Attempts = 1, UpdatedAt = Later, WaitingFor = "capacity" });

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"queued","waiting_for":"capacity","output_location":"s3://outputbucket/output/test-i2i","images":[],"error":null,"queue_position":3,"attempts":1,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Fact]
    public async Task ARunningTaskBeforeItsFirstProgressReadShowsZeroAndANullEta()
    {
        var host = await AcceptedHostAsync(queuePosition: 3);
        await PutStateAsync(host, new TaskState { IdTask = "test-i2i", Status = TaskStatus.Running, Attempts = 2, UpdatedAt = Later, WaitingFor = "capacity" });

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"running","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":[],"error":null,"progress":0,"eta_seconds":null,"attempts":2,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Theory]
    [InlineData(0.4567, 12.345, "\"progress\":0.4567,\"eta_seconds\":12.3")]
    [InlineData(1.5, -3.0, "\"progress\":1,\"eta_seconds\":0")]
    [InlineData(-0.25, 7.96, "\"progress\":0,\"eta_seconds\":8")]
    public async Task ARunningTaskShowsItsProgressClampedAndItsEtaRoundedToATenth(double progress, double eta, string expected)
    {
        var host = await AcceptedHostAsync();
        await PutStateAsync(host, new TaskState { IdTask = "test-i2i", Status = TaskStatus.Running, Attempts = 1, UpdatedAt = Later, Progress = progress, EtaSeconds = eta });

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"running","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":[],"error":null,"""
            + expected + ""","attempts":1,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Fact]
    public async Task AFailedTaskShowsItsImagesAndItsErrorWithRelaxedEscaping()
    {
        var host = await AcceptedHostAsync();
        await PutResultAsync(host, TaskStatus.Failed, new TaskError("input_unavailable", "the input 'a.png' <b>é</b> answered \"404\"\n"));

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"failed","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":["s3://outputbucket/output/test-i2i/0.png","s3://outputbucket/output/test-i2i/1.png"],"error":{"type":"input_unavailable","message":"the input 'a.png' <b>é</b> answered \"404\"\n"},"attempts":3,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Fact]
    public async Task ASucceededTaskShowsNoError()
    {
        var host = await AcceptedHostAsync();
        await PutResultAsync(host, TaskStatus.Succeeded, new TaskError("ignored", "a succeeded task shows no error"));

        AssertJson(200, "application/json",
            """{"id_task":"test-i2i","runtime":"sdruntime","status":"succeeded","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":["s3://outputbucket/output/test-i2i/0.png","s3://outputbucket/output/test-i2i/1.png"],"error":null,"attempts":3,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}""",
            await host.GetStatusAsync("test-i2i"));
    }

    [Fact]
    public async Task AListingPageWithAndWithoutANextCursor()
    {
        var host = await AcceptedHostAsync(queuePosition: 3);
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc").Replace("\"test-i2i\"", "\"second\"", StringComparison.Ordinal));
        await PutStateAsync(host, new TaskState { IdTask = "second", Status = TaskStatus.Running, Attempts = 1, UpdatedAt = Later, Progress = 0.5, EtaSeconds = 2 });

        var first = await host.CallAsync("GET", "/v1alpha2/tasks?limit=1");
        var cursor = Body(first)["next_cursor"]!.GetValue<string>();
        var second = await host.CallAsync("GET", "/v1alpha2/tasks?limit=1&cursor=" + Uri.EscapeDataString(cursor));

        AssertJson(200, "application/json",
            """{"tasks":[{"id_task":"second","runtime":"sdruntime","status":"running","waiting_for":null,"output_location":"s3://outputbucket/output/second","images":[],"error":null,"progress":0.5,"eta_seconds":2,"attempts":1,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:07:08.123+02:00"}],"next_cursor":"""
            + "\"" + cursor + "\"}",
            first);
        AssertJson(200, "application/json",
            """{"tasks":[{"id_task":"test-i2i","runtime":"sdruntime","status":"queued","waiting_for":null,"output_location":"s3://outputbucket/output/test-i2i","images":[],"error":null,"attempts":0,"created_at":"2026-03-04T05:06:07.89+00:00","updated_at":"2026-03-04T05:06:07.89+00:00"}],"next_cursor":null}""",
            second);
    }

    [Fact]
    public async Task AnEmptyListing() =>
        AssertJson(200, "application/json", """{"tasks":[],"next_cursor":null}""", await new ApiTestHost().CallAsync("GET", "/v1alpha2/tasks"));

    [Fact]
    public async Task TheCancelAnswers()
    {
        var host = await AcceptedHostAsync();

        AssertJson(202, "application/json", """{"id_task":"test-i2i","status":"cancelling"}""", await host.CallAsync("POST", "/v1alpha2/tasks/test-i2i/cancel"));
        await PutResultAsync(host, TaskStatus.Cancelled, new TaskError("cancelled", "cancelled by the client"));
        AssertJson(200, "application/json", """{"id_task":"test-i2i","status":"cancelled"}""", await host.CallAsync("DELETE", "/v1alpha2/tasks/test-i2i"));
    }

    [Fact]
    public async Task CancellingAFinishedTaskIsAProblemWithItsFinalStatus()
    {
        var host = await AcceptedHostAsync();
        await PutResultAsync(host, TaskStatus.Succeeded, null);

        AssertJson(409, ApiResults.ProblemContentType,
            """{"type":"urn:sdserverless:problem:task-finished","title":"Task already finished","status":409,"detail":"Task 'test-i2i' already succeeded; there is nothing to cancel.","task_status":"succeeded"}""",
            await host.CallAsync("DELETE", "/v1alpha2/tasks/test-i2i"));
    }

    [Fact]
    public async Task AValidationProblemListsItsFieldErrors()
    {
        var answer = await new ApiTestHost().CallAsync("GET", "/v1alpha2/tasks?status=nope&limit=0");

        AssertJson(400, ApiResults.ProblemContentType,
            """{"type":"urn:sdserverless:problem:validation-failed","title":"Invalid listing parameters","status":400,"detail":"2 parameters are invalid.","errors":[{"field":"status","message":"must be one of queued, running, succeeded, failed, cancelled"},{"field":"limit","message":"must be a whole number from 1 to 100"}]}""",
            answer);
    }

    [Fact]
    public async Task AProblemQuotesWhatTheClientSentUnescaped()
    {
        var answer = await new ApiTestHost().PostAsync("/v1alpha2", "{}", "text/plain; x=\"é<>\"");

        AssertJson(415, ApiResults.ProblemContentType,
            """{"type":"urn:sdserverless:problem:unsupported-media-type","title":"Body must be JSON","status":415,"detail":"Send Content-Type: application/json (got 'text/plain; x=\"é<>\"')."}""",
            answer);
    }

    [Fact]
    public async Task AProblemKeepsItsExtraHeaders()
    {
        var answer = await new ApiTestHost().CallAsync("PUT", "/v1alpha2/tasks/test-i2i");

        AssertJson(405, ApiResults.ProblemContentType,
            """{"type":"urn:sdserverless:problem:method-not-allowed","title":"Method not allowed","status":405,"detail":"This route takes GET, DELETE."}""",
            answer);
        Assert.Equal("GET, DELETE", answer.Headers!["Allow"]);
    }

    [Fact]
    public void ThePayloadTooLargeProblem() =>
        AssertJson(413, ApiResults.ProblemContentType,
            """{"type":"urn:sdserverless:problem:payload-too-large","title":"Request body too large","status":413,"detail":"The body must be at most 1048576 bytes."}""",
            ApiResults.PayloadTooLarge(1048576));

    private static void AssertJson(int status, string contentType, string expected, ApiGatewayProxyResponse answer)
    {
        Assert.Equal(status, answer.StatusCode);
        Assert.Equal(contentType, answer.Headers!["Content-Type"]);
        Assert.Equal(expected, answer.Body);
    }

    private static async Task<ApiTestHost> AcceptedHostAsync(long? queuePosition = null)
    {
        var host = new ApiTestHost(clock: new FakeTimeProvider(Accepted), queuePositions: queuePosition is null ? null : (_, _) => Task.FromResult(queuePosition));
        Assert.Equal(200, (await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"))).StatusCode);
        return host;
    }

    private static Task PutStateAsync(ApiTestHost host, TaskState state) =>
        host.Store.PutJsonAsync(TaskKeys.State(state.IdTask), state, CoreJsonContext.Default.TaskState, CancellationToken.None);

    private static Task PutResultAsync(ApiTestHost host, TaskStatus status, TaskError? error) =>
        host.Store.PutJsonAsync(TaskKeys.Result("output", "test-i2i"), new TaskResult
        {
            IdTask = "test-i2i",
            Runtime = "sdruntime",
            Tasktype = TaskType.ImageToImage,
            Status = status,
            Images = status == TaskStatus.Cancelled ? [] :
            [
                new TaskResultImage("output/test-i2i/0.png", "s3://outputbucket/output/test-i2i/0.png", "image/png", 10),
                new TaskResultImage("output/test-i2i/1.png", "s3://outputbucket/output/test-i2i/1.png", "image/png", 10),
            ],
            Error = error,
            CreatedAt = Accepted,
            CompletedAt = Later,
            Attempts = 3,
        }, CoreJsonContext.Default.TaskResult, CancellationToken.None);
}
