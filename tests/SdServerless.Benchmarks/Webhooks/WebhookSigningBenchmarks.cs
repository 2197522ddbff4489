using BenchmarkDotNet.Attributes;
using SdServerless.Core.Webhooks;

namespace SdServerless.Benchmarks.Webhooks;

/// <summary>Signing runs once per delivery attempt and verifying once per received webhook; both should allocate next to nothing.</summary>
[MemoryDiagnoser]
public class WebhookSigningBenchmarks
{
    private const string MessageId = "msg_5f0c9a1e2b3d4c5e6f708192a3b4c5d6";
    private WebhookSigner _signer = null!;
    private WebhookVerifier _verifier = null!;
    private byte[] _body = [];
    private string _signature = "";
    private string _timestamp = "";

    /// <summary>A callback body with a few images (about 1 KB) and one with a large context (64 KB).</summary>
    [Params(1024, 65536)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var secret = WebhookSecret.Generate();
        _signer = new WebhookSigner(secret);
        _verifier = new WebhookVerifier(secret);
        _body = Encoding.UTF8.GetBytes("{\"context\":\"" + new string('x', BodyBytes - 14) + "\"}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _timestamp = now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _signature = _signer.Sign(MessageId, now, _body);
    }

    [Benchmark]
    public string Sign() => _signer.Sign(MessageId, 1_800_000_000, _body);

    [Benchmark]
    public WebhookVerification Verify() => _verifier.Verify(MessageId, _timestamp, _signature, _body);
}
