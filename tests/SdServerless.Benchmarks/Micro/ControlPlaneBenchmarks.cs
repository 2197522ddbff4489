using BenchmarkDotNet.Attributes;
using SdServerless.Core.Net;
using SdServerless.Core.Runtimes;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;
using SdServerless.Core.Webhooks;

namespace SdServerless.Benchmarks.Micro;

/// <summary>The control plane's per-task CPU work outside I/O: parse + validate, build the SD Web UI body, sign a webhook.</summary>
[MemoryDiagnoser]
public class ControlPlaneBenchmarks
{
    /// <summary>A v1alpha2 text-to-image body like the documented example, without URLs (an image_link or callback_url is resolved by DNS).</summary>
    public static readonly byte[] V1Alpha2Body = Encoding.UTF8.GetBytes("""
        {
          "task": {
            "metadata": {
              "id": "bench-t2i-0001", // the task id
              "runtime": "sdruntime",
              "tasktype": "text-to-image",
              "prefix": "output",
              "context": {"user": "u-42", "order": 17}
            },
            "content": {
              "prompt": "cat wizard, gandalf, lord of the rings, detailed, fantasy, cute, adorable, Pixar, Disney, 8k",
              "negative_prompt": "blurry, lowres",
              "steps": 16,
              "width": 512,
              "height": 512,
              "cfg_scale": 7,
              "sampler_name": "Euler a",
              "seed": 1234,
              "batch_size": 2,
              "override_settings": {"sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors"},
            }
          }
        }
        """);

    private readonly TaskParser _parser = new(RuntimeCatalog.Default(["http://127.0.0.1:7860"]), new UrlPolicy(allowHttp: false, allowPrivateNetwork: false));
    private readonly WebhookSigner _signer = new(WebhookSecret.Generate());
    private SdTask _task = null!;
    private byte[] _webhookBody = [];

    [GlobalSetup]
    public void Setup()
    {
        var parsed = _parser.ParseAsync(V1Alpha2Body, ApiVersion.V1Alpha2, CancellationToken.None).GetAwaiter().GetResult();
        _task = parsed.Task ?? throw new InvalidOperationException("the benchmark body must be valid: " + string.Join("; ", parsed.Errors));

        // A succeeded task's callback payload is about this size (ids, four image links, parameters echo).
        _webhookBody = Encoding.UTF8.GetBytes(new string('x', 2048));
    }

    [Benchmark]
    public async Task<TaskParseResult> ParseAndValidateV1Alpha2() =>
        await _parser.ParseAsync(V1Alpha2Body, ApiVersion.V1Alpha2, CancellationToken.None);

    [Benchmark]
    public ReadOnlyMemory<byte> BuildSdWebUiRequest() => SdWebUiRequestBuilder.Build(_task, SdWebUiInputs.None);

    [Benchmark]
    public string SignWebhook() => _signer.Sign("msg_bench-t2i-0001", 1_764_000_000, _webhookBody);
}
