using SdServerless.Core.Webhooks;

namespace SdServerless.UnitTests.Webhooks;

/// <summary>During a secret rotation each webhook carries one signature per secret; a receiver holding either verifies.</summary>
public class RotationSigningTests
{
    private static readonly WebhookSecret SpecSecret = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private const string SpecMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private static readonly byte[] SpecPayload = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private readonly WebhookSecret _next = WebhookSecret.Generate();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp));

    [Fact]
    public void TwoSecretsGiveTwoSpaceSeparatedSignaturesTheCurrentFirst()
    {
        var header = new WebhookSigner([_next, SpecSecret]).Sign(SpecMessageId, SpecTimestamp, SpecPayload);

        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(new WebhookSigner(_next).Sign(SpecMessageId, SpecTimestamp, SpecPayload), parts[0]);
        Assert.Equal(SpecSignature, parts[1]);
    }

    [Fact]
    public void AReceiverHoldingEitherSecretVerifiesAndOneHoldingNeitherDoesNot()
    {
        var header = new WebhookSigner([_next, SpecSecret]).Sign(SpecMessageId, SpecTimestamp, SpecPayload);
        var stamp = SpecTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(_next, clock: _clock).Verify(SpecMessageId, stamp, header, SpecPayload));
        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(SpecSecret, clock: _clock).Verify(SpecMessageId, stamp, header, SpecPayload));
        Assert.Equal(
            WebhookVerification.NoMatchingSignature,
            new WebhookVerifier(WebhookSecret.Generate(), clock: _clock).Verify(SpecMessageId, stamp, header, SpecPayload));
    }

    [Fact]
    public void TheVerifierSkipsOtherVersionsAndMalformedPartsToFindTheMatchingSignature()
    {
        var stamp = SpecTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var header = $"v1a,AAAA v2,{SpecSignature[3..]} v1,not-base64!! v1,AAAA {SpecSignature}";

        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(SpecSecret, clock: _clock).Verify(SpecMessageId, stamp, header, SpecPayload));
        Assert.Equal(
            WebhookVerification.NoMatchingSignature,
            new WebhookVerifier(SpecSecret, clock: _clock).Verify(SpecMessageId, stamp, header.Replace(" " + SpecSignature, "", StringComparison.Ordinal), SpecPayload));
    }

    [Fact]
    public async Task AFixedSignerIsItsOwnSource()
    {
        var signer = new WebhookSigner(SpecSecret);

        Assert.Same(signer, await signer.GetSignerAsync(CancellationToken.None));
        Assert.Equal(1, signer.SecretCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookSigner(Array.Empty<WebhookSecret>()));
    }
}
