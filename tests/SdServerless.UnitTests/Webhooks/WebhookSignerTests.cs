using SdServerless.Core.Webhooks;

namespace SdServerless.UnitTests.Webhooks;

/// <summary>The test vector published with the Standard Webhooks reference libraries.</summary>
public class WebhookSignerTests
{
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecPayload = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void TheSpecTestVectorSignsToThePublishedSignature()
    {
        var signer = new WebhookSigner(WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SpecSignature, signer.Sign(SpecMessageId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)));
    }

    [Fact]
    public void TheSpecTestVectorVerifiesAtItsTimestamp()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp + 30));
        var verifier = new WebhookVerifier(WebhookSecret.Parse(SpecSecret), clock: clock);

        var verification = verifier.Verify(SpecMessageId, SpecTimestamp.ToString(), SpecSignature, Encoding.UTF8.GetBytes(SpecPayload));

        Assert.Equal(WebhookVerification.Valid, verification);
    }

    [Fact]
    public void BodiesLargerThanTheStackBufferSignAsTheyVerify()
    {
        var secret = WebhookSecret.Generate();
        var body = Encoding.UTF8.GetBytes("{\"blob\":\"" + new string('x', 100_000) + "\"}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var signature = new WebhookSigner(secret).Sign("msg_big", now, body);

        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(secret).Verify("msg_big", now.ToString(), signature, body));
        body[^3] = (byte)'y';
        Assert.Equal(WebhookVerification.NoMatchingSignature, new WebhookVerifier(secret).Verify("msg_big", now.ToString(), signature, body));
    }

    [Fact]
    public void ANonAsciiMessageIdIsSignedAsUtf8()
    {
        var secret = WebhookSecret.Generate();
        var body = Encoding.UTF8.GetBytes("{}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var signature = new WebhookSigner(secret).Sign("msg_tâche", now, body);

        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(secret).Verify("msg_tâche", now.ToString(), signature, body));
        Assert.Equal(WebhookVerification.NoMatchingSignature, new WebhookVerifier(secret).Verify("msg_tache", now.ToString(), signature, body));
    }

    [Fact]
    public void SigningAllocatesNothingButTheSignatureString()
    {
        var signer = new WebhookSigner(WebhookSecret.Generate());
        var body = Encoding.UTF8.GetBytes("{\"context\":\"" + new string('x', 4000) + "\"}");
        for (var i = 0; i < 10; i++)
        {
            signer.Sign("msg_warm", 1, body);
        }

        // The least of three rounds: a one-off allocation on this thread during one round (the runtime recompiling
        // a hot method at a higher tier, say) is not a per-call cost. A per-call allocation shows in every round.
        var perCall = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                signer.Sign("msg_5f0c9a1e2b3d4c5e6f708192a3b4c5d6", 1_800_000_000, body);
            }

            perCall = Math.Min(perCall, (GC.GetAllocatedBytesForCurrentThread() - before) / 1000);
        }

        // "v1," + 44 base64 characters as a string: 22 bytes of header plus 2 per character, rounded up.
        Assert.InRange(perCall, 1, 128);
    }
}
