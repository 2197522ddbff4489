namespace SdServerless.UnitTests.Dispatch;

/// <summary>A message delivered again while its first run still works: the outputs of one run only, and result.json says which.</summary>
public sealed class OverlappingRunTests
{
    private const int Rounds = 50;

    [Fact]
    public async Task ARedeliveryWhileTheFirstRunStillWritesLeavesAResultThatDescribesTheStoredImages()
    {
        for (var round = 0; round < Rounds; round++)
        {
            // Two slots: the redelivery runs beside the first run instead of waiting for its slot.
            var harness = new DispatcherHarness(registry: new InProcessPoolRegistry(
                FixedPoolServers.From([new RuntimeConfig { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 2), new PoolRules()));
            var id = $"twice-{round}";
            var first = await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task(id, TaskType.TextToImage, """{"prompt":"a cat"}"""));
            var redelivery = new SqsEvent.SqsMessage
            {
                MessageId = first.MessageId,
                ReceiptHandle = first.ReceiptHandle + "-again",
                Body = first.Body,
                EventSource = "aws:sqs",
                Attributes = { ["ApproximateReceiveCount"] = "2", ["SentTimestamp"] = first.Attributes["SentTimestamp"] },
            };

            // The first run's answer is held until the redelivery has finished; the two runs make different images.
            var release = new TaskCompletionSource();
            var calls = 0;
            harness.SdWebUi.BeforeGeneration = () => Interlocked.Increment(ref calls) == 1 ? release.Task : Task.CompletedTask;
            harness.SdWebUi.ScriptedAnswers.Enqueue(() => Images(count: 2, length: 20, marker: 0xB0));
            harness.SdWebUi.ScriptedAnswers.Enqueue(() => Images(count: 3, length: 30, marker: 0xA0));

            var slow = harness.Handler.HandleAsync(new SqsEvent { Records = [first] }, CancellationToken.None);
            await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
            await harness.Handler.HandleAsync(new SqsEvent { Records = [redelivery] }, CancellationToken.None);
            release.SetResult();
            await slow;

            var result = (await harness.ResultAsync(id))!;
            var listed = result["images"]!.AsArray().Select(i => i!.AsObject()).ToList();
            var stored = harness.Store.Keys.Where(k => k.StartsWith($"output/{id}/", StringComparison.Ordinal) && !k.EndsWith("result.json", StringComparison.Ordinal)).ToList();
            Assert.Equal(listed.Select(i => (string)i["key"]!), stored);
            var markers = new HashSet<byte>();
            foreach (var image in listed)
            {
                var bytes = (await harness.Store.GetAsync((string)image["key"]!, CancellationToken.None))!.Content.ToArray();
                Assert.Equal((int)image["size"]!, bytes.Length);
                markers.Add(bytes[^1]);
            }

            Assert.Single(markers);
            Assert.Single(harness.Metrics.Completed);
            Assert.DoesNotContain(harness.Store.Keys, k => k.Contains("/attempts/", StringComparison.Ordinal));
        }
    }

    /// <summary>SD Web UI's answer with <paramref name="count"/> fake PNGs of the given length, each ending in the marker.</summary>
    private static HttpResponseMessage Images(int count, int length, byte marker)
    {
        var images = Enumerable.Range(1, count).Select(n =>
        {
            var bytes = new byte[length];
            FakeSdWebUi.Png(n).CopyTo(bytes, 0);
            bytes[^1] = marker;
            return JsonValue.Create(Convert.ToBase64String(bytes));
        });
        var answer = new JsonObject { ["images"] = new JsonArray([.. images]), ["parameters"] = new JsonObject(), ["info"] = "{}" };
        return FakeSdWebUi.Json(HttpStatusCode.OK, answer.ToJsonString());
    }

    private static Task WaitUntilAsync(Func<bool> condition) =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(30), "the first run to reach SD Web UI");
}
