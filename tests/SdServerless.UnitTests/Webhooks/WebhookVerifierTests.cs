using SdServerless.Core.Webhooks;

namespace SdServerless.UnitTests.Webhooks;

public class WebhookVerifierTests
{
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";

    private readonly WebhookVerifier _verifier = new(Secret, TimeSpan.FromMinutes(5), new FakeTimeProvider(Now));

    private static string SignAt(DateTimeOffset time, byte[]? body = null) =>
        new WebhookSigner(Secret).Sign(Id, time.ToUnixTimeSeconds(), body ?? Body);

    [Fact]
    public void ASignatureMadeNowIsValid() =>
        Assert.Equal(WebhookVerification.Valid, _verifier.Verify(Id, Seconds(Now), SignAt(Now), Body));

    [Fact]
    public void ATamperedBodyHasNoMatchingSignature()
    {
        var tampered = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");

        Assert.Equal(WebhookVerification.NoMatchingSignature, _verifier.Verify(Id, Seconds(Now), SignAt(Now), tampered));
    }

    [Fact]
    public void AnotherSecretsSignatureDoesNotMatch()
    {
        var other = new WebhookSigner(WebhookSecret.Generate()).Sign(Id, Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(WebhookVerification.NoMatchingSignature, _verifier.Verify(Id, Seconds(Now), other, Body));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void ATimestampOutsideTheToleranceIsRejectedEvenWhenSignedCorrectly(int offsetSeconds)
    {
        var then = Now.AddSeconds(offsetSeconds);

        Assert.Equal(WebhookVerification.TimestampOutOfTolerance, _verifier.Verify(Id, Seconds(then), SignAt(then), Body));
    }

    [Theory]
    [InlineData(-299)]
    [InlineData(299)]
    public void ATimestampWithinTheToleranceIsAccepted(int offsetSeconds)
    {
        var then = Now.AddSeconds(offsetSeconds);

        Assert.Equal(WebhookVerification.Valid, _verifier.Verify(Id, Seconds(then), SignAt(then), Body));
    }

    [Fact]
    public void OneValidSignatureAmongSeveralSpaceSeparatedOnesIsEnough()
    {
        var header = string.Join(' ',
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            SignAt(Now),
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");

        Assert.Equal(WebhookVerification.Valid, _verifier.Verify(Id, Seconds(Now), header, Body));
    }

    [Fact]
    public void AValidHashUnderAnotherVersionPrefixIsNotAccepted()
    {
        var v2 = "v2," + SignAt(Now)["v1,".Length..];

        Assert.Equal(WebhookVerification.NoMatchingSignature, _verifier.Verify(Id, Seconds(Now), v2, Body));
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1,dawfeoifkpqwoekfpqoekf")]
    [InlineData("v1,g0hM9SsE")]
    public void TruncatedOrMalformedSignaturesDoNotMatch(string header) =>
        Assert.Equal(WebhookVerification.NoMatchingSignature, _verifier.Verify(Id, Seconds(Now), header, Body));

    [Fact]
    public void MissingHeadersAndANonNumericTimestampAreReportedAsSuch()
    {
        var signature = SignAt(Now);

        Assert.Equal(WebhookVerification.MissingHeaders, _verifier.Verify(null, Seconds(Now), signature, Body));
        Assert.Equal(WebhookVerification.MissingHeaders, _verifier.Verify(Id, null, signature, Body));
        Assert.Equal(WebhookVerification.MissingHeaders, _verifier.Verify(Id, Seconds(Now), "", Body));
        Assert.Equal(WebhookVerification.InvalidTimestamp, _verifier.Verify(Id, "hello", signature, Body));
    }

    private static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString();
}
