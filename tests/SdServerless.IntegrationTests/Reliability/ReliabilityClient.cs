namespace SdServerless.IntegrationTests.Reliability;

/// <summary>Many submissions at once against a local host process, and waits on what its data directory shows.</summary>
internal static class ReliabilityClient
{
    public const string Prefix = "output";

    /// <summary>A small text-to-image task (64×64, one step) producing <paramref name="images"/> images.</summary>
    public static string TextToImage(string id, int images = 1, string prompt = "a lighthouse", string? callbackUrl = null) =>
        new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["id"] = id,
                    ["runtime"] = "sdruntime",
                    ["tasktype"] = "text-to-image",
                    ["prefix"] = Prefix,
                    ["callback_url"] = callbackUrl,
                },
                ["content"] = new JsonObject { ["prompt"] = prompt, ["steps"] = 1, ["width"] = 64, ["height"] = 64, ["batch_size"] = images },
            },
        }.ToJsonString();

    /// <summary>POSTs every body with at most <paramref name="concurrency"/> in flight; returns status and latency of each.</summary>
    public static async Task<IReadOnlyList<Submission>> SubmitAllAsync(HttpClient http, IReadOnlyList<(string Id, string Body)> tasks, int concurrency)
    {
        var results = new ConcurrentBag<Submission>();
        await Parallel.ForEachAsync(tasks, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (task, ct) =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.PostAsync("/v1alpha2", new StringContent(task.Body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            watch.Stop();
            results.Add(new Submission(task.Id, response.StatusCode, response.Headers.RetryAfter?.Delta, text, watch.Elapsed));
        });
        return [.. results];
    }

    public static string OutputRoot(LocalHostProcess host) => Path.Combine(host.DataDirectory, "s3", "outputbucket", Prefix);

    public static int CountResults(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "s3", "outputbucket", Prefix);
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "result.json", SearchOption.AllDirectories).Count() : 0;
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.TrueAsync(condition, timeout, what, describe);

    /// <summary>The status of every id, fetched with bounded concurrency.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonNode>> StatusesAsync(HttpClient http, IEnumerable<string> ids, int concurrency = 20)
    {
        var statuses = new ConcurrentDictionary<string, JsonNode>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, ct) =>
        {
            using var response = await http.GetAsync($"/v1alpha2/tasks/{id}", ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"status of {id}: {(int)response.StatusCode}");
            statuses[id] = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        });
        return statuses;
    }

    public static TimeSpan Percentile(IEnumerable<TimeSpan> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}

internal sealed record Submission(string Id, HttpStatusCode Status, TimeSpan? RetryAfter, string Body, TimeSpan Latency);
