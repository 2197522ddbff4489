using System.Diagnostics;
using Xunit.Abstractions;

namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// Thousands of hostile bodies through the real API handler: never a 5xx, never an exception, never an invalid task
/// accepted (each accepted task is re-checked against the contract's rules), memory bounded.
/// </summary>
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261124;
    private const int BodyCount = 3000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(90);

    /// <summary>Far above what a 6 MB body legitimately costs to parse, far below what unbounded buffering would reach.</summary>
    private const long HeapBoundBytes = 1536L * 1024 * 1024;

    [Fact]
    public async Task ThousandsOfHostileBodiesNeverCauseA5xxAnExceptionOrAnInvalidAcceptedTask()
    {
        var harness = new HostileApiHarness();
        var fuzzer = new BodyFuzzer(Seed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var peakHeap = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var sent = 0;

        var bodies = Enumerable.Range(0, BodyCount).Select(fuzzer.Next)
            .Concat([("/v1alpha2", BodyFuzzer.HugePrompt(1, 10), "10 MB string"), ("/v1alpha2", BodyFuzzer.HugePrompt(2, 5), "5 MB string")]);
        foreach (var (path, body, kind) in bodies)
        {
            if (watch.Elapsed > TimeBudget)
            {
                break;
            }

            sent++;
            var verdict = await CheckOneAsync(harness, path, body);
            outcomes[verdict.Outcome] = outcomes.GetValueOrDefault(verdict.Outcome) + 1;
            if (verdict.Failure is { } failure)
            {
                failures.Add($"#{sent} {kind} {path}: {failure}; body starts {Preview(body)}");
            }

            if (body.Length > 100_000 || sent % 100 == 0)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            }
        }

        output.WriteLine($"{sent} bodies in {watch.Elapsed.TotalSeconds:0.0} s (seed {Seed}): {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} × {o.Value}"))}");
        output.WriteLine($"managed heap peak {peakHeap / 1024 / 1024} MB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures.Take(15))}");
        Assert.True(sent >= 1000, $"only {sent} bodies within the time budget");
        Assert.True(outcomes.GetValueOrDefault("200") > 0 && outcomes.GetValueOrDefault("400") > 0, "the fuzzer should produce both accepted and rejected bodies");
        Assert.InRange(peakHeap, 0, HeapBoundBytes);
    }

    [Theory]
    [InlineData("\"id\":\"fz-0\"", "\"id\":\"\\ud800\"")]
    [InlineData("\"prompt\":\"cat wizard\"", "\"prompt\":\"cat \\udc00 wizard\"")]
    [InlineData("\"negative_prompt\":\"\"", "\"negative_prompt\":\"\\ud83d\"")]
    [InlineData("\"seed\":-1", "\"\\ud800\":-1")]
    public async Task ALoneSurrogateEscapeAnywhereIsA400NotAnException(string field, string replacement)
    {
        var harness = new HostileApiHarness();
        var body = BodyFuzzer.V2.Replace("\"ID\"", "\"fz-0\"", StringComparison.Ordinal);
        Assert.Contains(field, body, StringComparison.Ordinal);

        var response = await harness.PostAsync("/v1alpha2", body.Replace(field, replacement, StringComparison.Ordinal));

        Assert.Equal(400, response.StatusCode);
        Assert.Empty(harness.Queue.Bodies);
    }

    private static async Task<(string Outcome, string? Failure)> CheckOneAsync(HostileApiHarness harness, string path, byte[] body)
    {
        Functions.Events.ApiGatewayProxyResponse response;
        try
        {
            response = await harness.PostAsync(path, body);
        }
        catch (Exception exception)
        {
            return ("exception", $"the handler threw {exception.GetType().Name}: {exception.Message}");
        }

        var status = response.StatusCode;
        if (status is not (200 or 400 or 409 or 413))
        {
            return (status.ToString(System.Globalization.CultureInfo.InvariantCulture), $"status {status}: {response.Body}");
        }

        JsonObject answer;
        try
        {
            answer = JsonNode.Parse(response.Body!)!.AsObject();
        }
        catch (JsonException)
        {
            return ("unreadable", $"status {status} with a body that is not a JSON object: {response.Body}");
        }

        if (status != 200)
        {
            var problemOk = response.Headers!["Content-Type"] == ApiResults.ProblemContentType && answer["status"]?.GetValue<int>() == status;
            return (status.ToString(System.Globalization.CultureInfo.InvariantCulture), problemOk ? null : $"not a problem+json {status}: {response.Body}");
        }

        if (!IsJsonDocument(body))
        {
            return ("200", "accepted a body that is not valid UTF-8 JSON");
        }

        var record = await harness.RecordAsync(answer["id_task"]!.GetValue<string>());
        var violations = AcceptedTaskOracle.Violations(record.Task);
        return ("200", violations.Count == 0 ? null : "accepted an invalid task: " + string.Join("; ", violations));
    }

    private static bool IsJsonDocument(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 1000 });
            return System.Text.Unicode.Utf8.IsValid(body);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Preview(byte[] body) =>
        Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).ReplaceLineEndings(" ");
}
