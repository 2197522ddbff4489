using SdServerless.Benchmarks.AwsPool;
using SdServerless.Benchmarks.Harness;

namespace SdServerless.IntegrationTests.Benchmarks;

/// <summary>The aws-pool figures, on job logs and outcomes written out by hand.</summary>
[Trait("Category", "Integration")]
public sealed class PoolFiguresTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UtilisationCountsFromTheLastRegistrationToTheLastJobStart()
    {
        // GPU 0 registered at 0 s, GPU 1 at 1 s; window 1 s to 3 s (last start). GPU 0 busy 1-3 s (2 s), GPU 1 busy 2-3 s (1 s).
        var gpu0 = Server(0, Job(1, 0, 2000), Job(2, 2000, 4000));
        var gpu1 = Server(1000, Job(3, 2000, 3000), Job(4, 3000, 4000));

        Assert.Equal(0.75, PoolFigures.Utilisation([gpu0, gpu1]), 6);
    }

    [Fact]
    public void DispatchGapsCountOnlyJobsWhoseTaskWaitedForTheGpu()
    {
        // Task 2 waited (created at 0) and started 30 ms after task 1 ended; task 3 arrived after the GPU was free.
        var server = Server(0, Job(1, 0, 1000), Job(2, 1030, 2000), Job(3, 5000, 6000));
        TaskOutcome[] outcomes = [Outcome(1, 0, 1100), Outcome(2, 0, 2100), Outcome(3, 4990, 6100)];

        Assert.Equal([30.0], PoolFigures.DispatchGaps([server], outcomes));
    }

    [Fact]
    public void SwitchesAreCountedFromTheLogsAndBoundedByModelsNoServerBootedWith()
    {
        var server = Server(0, Job(1, 0, 1000, switched: false), Job(2, 1000, 2000, switched: true), Job(3, 2000, 3000, switched: true));

        Assert.Equal(2, PoolFigures.ModelSwitches([server]));
        Assert.Equal(1, PoolFigures.ModelSwitchLowerBound(["a", "a"], ["a", "b", "b", null]));
        Assert.Equal(0, PoolFigures.ModelSwitchLowerBound(["a", "b"], ["a", "b"]));
    }

    [Fact]
    public void AttemptsBeyondTheTasksGpuJobsWereSpentWithoutCapacity()
    {
        var server = Server(0, Job(1, 0, 1000), Job(2, 1000, 2000), Job(2, 2000, 3000));
        TaskOutcome[] outcomes = [Outcome(1, 0, 1100, attempts: 3), Outcome(2, 0, 3100, attempts: 2)];

        Assert.Equal(2, PoolFigures.AttemptsWithoutCapacity([server], outcomes));
    }

    [Fact]
    public void IdleWithBacklogIsTheTimeAFreeGpuCouldHaveTakenAWaitingTask()
    {
        // One GPU; task 1 waits 0-1 s while the GPU is free, runs 1-2 s; task 2 arrives at 1.5 s, waits until 2 s
        // behind task 1 (no GPU free: not counted), runs 2-4 s. Idle with backlog: 1 s of 4 s.
        var server = Server(0, Job(1, 1000, 2000), Job(2, 2000, 4000));
        TaskOutcome[] outcomes = [Outcome(1, 0, 2100), Outcome(2, 1500, 4100)];

        Assert.Equal(0.25, PoolFigures.IdleWithBacklog([server], outcomes), 6);
    }

    [Fact]
    public void CallsAreNamedByServiceAndOperation()
    {
        Assert.Equal("dynamodb Query", CountingProxy.Operation("DynamoDB_20120810.Query", "POST"));
        Assert.Equal("sqs ReceiveMessage", CountingProxy.Operation("AmazonSQS.ReceiveMessage", "POST"));
        Assert.Equal("s3 PUT", CountingProxy.Operation(null, "PUT"));
    }

    [Fact]
    public async Task TheProxyForwardsEachServiceToItsOwnServerAndTimesEveryCall()
    {
        await using var s3 = await LoopbackHttpServer.StartAsync();
        await using var dynamoDb = await LoopbackHttpServer.StartAsync();
        await using var proxy = await CountingProxy.StartAsync(service => (service == "dynamodb" ? dynamoDb : s3).BaseUri.ToString());
        using var http = new HttpClient();

        using var put = await http.PutAsync(proxy.Url + "/bucket/_sdserverless/tasks/t1/state.json", new ByteArrayContent([1]));
        using var query = new HttpRequestMessage(HttpMethod.Post, proxy.Url + "/") { Content = new StringContent("{}") };
        query.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.Query");
        using var queried = await http.SendAsync(query);

        Assert.Equal("/bucket/_sdserverless/tasks/t1/state.json", Assert.Single(s3.Requests).PathAndQuery);
        Assert.Equal("POST", Assert.Single(dynamoDb.Requests).Method);
        Assert.Equal(
            [("s3 PUT", "state.json"), ("dynamodb Query", "")],
            proxy.Timeline.OrderBy(c => c.StartedAt).Select(c => (c.Call, c.Object)));
    }

    private static GpuServerLog Server(int registeredMs, params EmulatorJobRecord[] jobs) => new(T0.AddMilliseconds(registeredMs), [.. jobs]);

    private static TaskOutcome Outcome(long seed, int createdMs, int completedMs, int attempts = 1) =>
        new(new TaskSpec($"t{seed}", seed), "succeeded", T0.AddMilliseconds(createdMs), null, T0.AddMilliseconds(completedMs), attempts, 1);

    private static EmulatorJobRecord Job(long seed, int startMs, int endMs, bool switched = false) =>
        new("txt2img", 0, seed, "m", switched, 1, T0.AddMilliseconds(startMs), T0.AddMilliseconds(endMs));
}
