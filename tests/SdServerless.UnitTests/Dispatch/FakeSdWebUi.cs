using System.Collections.Concurrent;

namespace SdServerless.UnitTests.Dispatch;

/// <summary>
/// An in-process SD Web UI for dispatcher unit tests: answers sd-models, options and the generation routes with
/// SD Web UI's shapes, records every request, and lets a test script failures per generation call.
/// </summary>
public sealed class FakeSdWebUi : HttpMessageHandler
{
    public const string Model = "v1-5-pruned-emaonly.safetensors [6ce0161689]";

    public ConcurrentQueue<(string Path, JsonObject? Body)> Requests { get; } = new();

    /// <summary>The Authorization and Accept-Encoding headers of every request, in order ("" when absent).</summary>
    public ConcurrentQueue<(string Authorization, string AcceptEncoding)> Headers { get; } = new();

    /// <summary>The server (scheme, host and port) each generation request went to, in order.</summary>
    public ConcurrentQueue<string> GenerationServers { get; } = new();

    /// <summary>What GET /sdapi/v1/options answers for sd_checkpoint_hash (null: the key is left out).</summary>
    public string? LoadedCheckpointHash { get; set; }

    /// <summary>Answers for the next generation calls, in order; when empty, generations succeed.</summary>
    public ConcurrentQueue<Func<HttpResponseMessage>> ScriptedAnswers { get; } = new();

    /// <summary>Awaited before each generation answer: lets a test hold the GPU busy.</summary>
    public Func<Task>? BeforeGeneration { get; set; }

    /// <summary>Awaited before each generation answer with the caller's token: a GPU the caller may give up on.</summary>
    public Func<CancellationToken, Task>? HoldGeneration { get; set; }

    /// <summary>Completes at the first POST /sdapi/v1/interrupt.</summary>
    public TaskCompletionSource Interrupted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Interrupts => Requests.Count(r => r.Path == "/sdapi/v1/interrupt");

    public IEnumerable<JsonObject> Generations => Requests.Where(r => r.Path.Contains("2img") || r.Path.Contains("extra")).Select(r => r.Body!);

    /// <summary>A fake PNG: the signature, then the image number so that tests can tell the images apart.</summary>
    public static byte[] Png(int number) => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)number];

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
        Requests.Enqueue((path, body));
        Headers.Enqueue((request.Headers.Authorization?.ToString() ?? "", string.Join(",", request.Headers.AcceptEncoding)));
        switch (path)
        {
            case "/sdapi/v1/sd-models":
                return Json(HttpStatusCode.OK, $$"""[{"title":"{{Model}}","model_name":"v1-5-pruned-emaonly","hash":"6ce0161689","sha256":"6ce01616","filename":"/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors","config":null}]""");
            case "/sdapi/v1/options":
                return Json(HttpStatusCode.OK, LoadedCheckpointHash is { } hash
                    ? $$"""{"sd_model_checkpoint":"{{Model}}","sd_checkpoint_hash":"{{hash}}"}"""
                    : $$"""{"sd_model_checkpoint":"{{Model}}"}""");
            case "/sdapi/v1/refresh-checkpoints":
                return Json(HttpStatusCode.OK, "null");
            case "/sdapi/v1/interrupt":
                Interrupted.TrySetResult();
                return Json(HttpStatusCode.OK, "{}");
        }

        GenerationServers.Enqueue(request.RequestUri.GetLeftPart(UriPartial.Authority));
        if (BeforeGeneration is { } wait)
        {
            await wait();
        }

        if (HoldGeneration is { } hold)
        {
            await hold(cancellationToken);
        }

        if (ScriptedAnswers.TryDequeue(out var scripted))
        {
            return scripted();
        }

        if (path == "/sdapi/v1/extra-single-image")
        {
            return Json(HttpStatusCode.OK, $$"""{"html_info":"","image":"{{Convert.ToBase64String(Png(1))}}"}""");
        }

        var count = ((int?)body?["batch_size"] ?? 1) * ((int?)body?["n_iter"] ?? 1);
        var images = string.Join(",", Enumerable.Range(1, count).Select(n => $"\"{Convert.ToBase64String(Png(n))}\""));
        var seeds = string.Join(",", Enumerable.Range(1, count).Select(n => 1000 + n));
        var info = new JsonObject { ["seed"] = 1001, ["all_seeds"] = JsonNode.Parse($"[{seeds}]") }.ToJsonString();
        var answer = new JsonObject { ["parameters"] = body?.DeepClone(), ["info"] = info }.ToJsonString();
        return Json(HttpStatusCode.OK, $$"""{"images":[{{images}}],{{answer[1..]}}""");
    }
}
