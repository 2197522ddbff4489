using SdServerless.UnitTests.Dispatch;
using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

/// <summary>Requests for one id arriving at the same moment: exactly one is accepted, whatever the interleaving.</summary>
public class ConcurrentSubmitTests
{
    private const int Rounds = 50;

    [Fact]
    public async Task DifferentBodiesForOneIdAtTheSameMomentAcceptExactlyOne()
    {
        var host = NetworkLikeHost();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"race-{round}";
            var answers = await RaceAsync(host, Enumerable.Range(0, 4).Select(steps => Request(id, 10 + steps)));

            Assert.Equal(1, answers.Count(a => a.StatusCode == 200));
            Assert.All(answers.Where(a => a.StatusCode != 200), a => Assert.Equal(409, a.StatusCode));
            var message = Assert.Single(MessagesFor(host, id));
            var winner = answers.IndexOf(answers.Single(a => a.StatusCode == 200));
            Assert.Equal(10 + winner, message.Task!.Content["steps"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task IdenticalBodiesForOneIdAtTheSameMomentAllGetTheSameAnswerAndQueueOnce()
    {
        var host = NetworkLikeHost();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"same-{round}";
            var answers = await RaceAsync(host, Enumerable.Repeat(Request(id, 20), 4));

            Assert.All(answers, a => Assert.Equal(200, a.StatusCode));
            Assert.Single(answers.Select(a => a.Body).Distinct());
            Assert.Single(MessagesFor(host, id));
        }
    }

    [Fact]
    public async Task IdenticalAndDifferentBodiesMixedAcceptOneRequestOnly()
    {
        var host = NetworkLikeHost();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"mixed-{round}";
            var answers = await RaceAsync(host, [Request(id, 30), Request(id, 31), Request(id, 30), Request(id, 31)]);

            var accepted = Assert.Single(MessagesFor(host, id)).Task!.Content["steps"]!.GetValue<int>();
            var expected = new[] { 30, 31, 30, 31 }.Select(steps => steps == accepted ? 200 : 409);
            Assert.Equal(expected, answers.Select(a => a.StatusCode));
        }
    }

    [Fact]
    public async Task ARequestThatOutlivesTheGraceLosesTheIdAndItsMessageIsDropped()
    {
        var clock = new FakeTimeProvider(DispatcherHarness.Start);
        var host = new ApiTestHost(clock: clock);
        var firstSendReached = new TaskCompletionSource();
        var releaseFirstSend = new TaskCompletionSource();
        host.Queue.BeforeSend = async body =>
        {
            if (body.Contains("\"steps\":40", StringComparison.Ordinal))
            {
                firstSendReached.TrySetResult();
                await releaseFirstSend.Task;
            }
        };

        // The first request stalls just before its send (a paused Lambda, say) until the grace has passed.
        var slow = host.PostAsync("/v1alpha2", Request("slow", 40));
        await firstSendReached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TaskSubmission.TakeoverGrace + TimeSpan.FromSeconds(1));
        var second = await host.PostAsync("/v1alpha2", Request("slow", 41));
        releaseFirstSend.SetResult();
        var first = await slow;

        Assert.Equal(200, second.StatusCode);
        Assert.Equal(409, first.StatusCode);
        var reader = new TaskMessageReader(host.Store, clock);
        var loaded = new List<LoadedTask>();
        foreach (var body in host.Queue.Bodies)
        {
            loaded.Add((await reader.LoadAsync(TaskMessageReader.Parse(body)!, new SqsEvent.SqsMessage { Body = body }, default))!);
        }

        var runs = Assert.Single(loaded, l => !l.Superseded);
        Assert.Equal(41, runs.Task.Content["steps"]!.GetValue<int>());
        Assert.Equal(2, loaded.Count);
    }

    [Fact]
    public async Task ARecordLeftPendingByADeadRequestIsTakenOverOnlyAfterTheGrace()
    {
        var clock = new ManualTimeProvider();
        var host = new ApiTestHost(clock: clock);
        var pending = new TaskRecord
        {
            IdTask = "orphan",
            RequestHash = "hash-of-a-request-that-died",
            OutputLocation = "s3://outputbucket/output/orphan",
            CreatedAt = clock.GetUtcNow(),
            Claim = "dead",
            Task = DispatcherHarnessTask("orphan"),
        };
        await host.Store.TryCreateAsync(TaskKeys.Request("orphan"), JsonSerializer.SerializeToUtf8Bytes(pending, CoreJsonContext.Default.TaskRecord), "application/json", default);

        // Within the grace the writer may still be accepting it: a different request waits, then gets a conflict.
        // (this clock's timers fire at once and move it on, so the wait reaches its limit without real time).
        var early = await host.PostAsync("/v1alpha2", Request("orphan", 50));
        Assert.Equal(409, early.StatusCode);
        Assert.True(clock.GetUtcNow() - pending.CreatedAt >= TaskSubmission.PendingWait);
        Assert.Empty(host.Queue.Bodies);

        clock.Advance(TaskSubmission.TakeoverGrace - (clock.GetUtcNow() - pending.CreatedAt));
        var answer = await host.PostAsync("/v1alpha2", Request("orphan", 50));

        Assert.Equal(200, answer.StatusCode);
        Assert.Single(host.Queue.Bodies);
        Assert.Equal("queued", Body(await host.GetStatusAsync("orphan"))["status"]!.GetValue<string>());
    }

    private static ApiTestHost NetworkLikeHost() => new(store: new InMemoryObjectStore { Latency = TimeSpan.FromMilliseconds(2) });

    private static async Task<List<ApiGatewayProxyResponse>> RaceAsync(ApiTestHost host, IEnumerable<string> bodies)
    {
        using var start = new ManualResetEventSlim();
        var racers = bodies.Select(body => Task.Run(async () =>
        {
            start.Wait();
            return await host.PostAsync("/v1alpha2", body);
        })).ToList();
        start.Set();
        return [.. await Task.WhenAll(racers)];
    }

    private static string Request(string id, int steps) =>
        "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"sdruntime\",\"tasktype\":\"text-to-image\"},"
        + "\"content\":{\"prompt\":\"p\",\"steps\":" + steps + "}}}";

    private static List<TaskMessage> MessagesFor(ApiTestHost host, string id) =>
        host.Queue.Bodies.Select(b => JsonSerializer.Deserialize(b, CoreJsonContext.Default.TaskMessage)!).Where(m => m.IdTask == id).ToList();

    private static SdTask DispatcherHarnessTask(string id) => DispatcherHarness.Task(id, TaskType.TextToImage, """{"prompt":"p"}""");
}
