using Microsoft.Extensions.Time.Testing;
using SdServerless.Aws.SecretsManager;
using SdServerless.Core;

namespace SdServerless.IntegrationTests.Callback;

/// <summary>
/// The webhook secret read from moto_server's Secrets Manager over HTTP: cached, a rotation picked up once the cache
/// expires, both secrets signing during the overlap, and the last secret kept through an outage.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SecretsManagerWebhookSecretTests(MotoServer moto)
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id_task":"rotated"}""");
    private readonly MotoSecrets _secrets = new(moto);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly WebhookSecretOptions _timings = new() { SecretId = "", CacheDuration = TimeSpan.FromMinutes(5), RotationOverlap = TimeSpan.FromHours(1) };

    [Fact]
    public async Task TheSecretIsReadAsItsWhsecValueOrAsABareBase64Key()
    {
        var secret = WebhookSecret.Generate();
        var withPrefix = await _secrets.CreateAsync(Name(), secret.Reveal());
        var bare = await _secrets.CreateAsync(Name(), secret.Reveal()[WebhookSecret.Prefix.Length..]);

        foreach (var arn in new[] { withPrefix, bare })
        {
            using var source = Source(arn);
            var header = Sign(await source.GetSignerAsync(CancellationToken.None));

            Assert.Single(header.Split(' '));
            Assert.Equal(WebhookVerification.Valid, Verify(secret, header));
        }
    }

    [Fact]
    public async Task ARotationIsPickedUpWhenTheCacheExpiresAndBothSecretsSignUntilTheOverlapEnds()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        var arn = await _secrets.CreateAsync(Name(), old.Reveal());
        using var source = Source(arn);
        Assert.Single(Sign(await source.GetSignerAsync(CancellationToken.None)).Split(' '));

        await _secrets.PutValueAsync(arn, next.Reveal());
        _clock.Advance(_timings.CacheDuration - TimeSpan.FromSeconds(1));
        var cached = Sign(await source.GetSignerAsync(CancellationToken.None));

        Assert.Equal(WebhookVerification.Valid, Verify(old, cached));
        Assert.Equal(WebhookVerification.NoMatchingSignature, Verify(next, cached));

        _clock.Advance(TimeSpan.FromSeconds(2));
        var rotated = Sign(await source.GetSignerAsync(CancellationToken.None));

        var signatures = rotated.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.Equal(Sign(new WebhookSigner(next)), signatures[0]);
        Assert.Equal(WebhookVerification.Valid, Verify(next, rotated));
        Assert.Equal(WebhookVerification.Valid, Verify(old, rotated));

        _clock.Advance(_timings.RotationOverlap);
        var afterOverlap = Sign(await source.GetSignerAsync(CancellationToken.None));

        Assert.Single(afterOverlap.Split(' '));
        Assert.Equal(WebhookVerification.Valid, Verify(next, afterOverlap));
        Assert.Equal(WebhookVerification.NoMatchingSignature, Verify(old, afterOverlap));
    }

    [Fact]
    public async Task DuringAnOutageTheSecretReadBeforeGoesOnSigningAndWithoutOneTheDeliveryIsToldToRetry()
    {
        var secret = WebhookSecret.Generate();
        var arn = await _secrets.CreateAsync(Name(), secret.Reveal());
        var network = new SwitchableHandler();
        using var source = Source(arn, network);
        await source.GetSignerAsync(CancellationToken.None);

        network.Down = true;
        _clock.Advance(_timings.CacheDuration + TimeSpan.FromSeconds(1));

        Assert.Equal(WebhookVerification.Valid, Verify(secret, Sign(await source.GetSignerAsync(CancellationToken.None))));
        Assert.True(network.Refused > 0, "the expired secret was not read again");
        using var neverRead = Source(arn, network);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => neverRead.GetSignerAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AnUnknownSecretOrOneThatIsNotAWebhookSecretIsAClearErrorThatNamesNoValue()
    {
        var notAKey = await _secrets.CreateAsync(Name(), """{"username":"hunter2"}""");
        using var missing = Source("sdserverless-no-such-secret");
        using var wrong = Source(notAKey);

        var notFound = await Assert.ThrowsAsync<SecretsManagerException>(() => missing.GetSignerAsync(CancellationToken.None).AsTask());
        var unusable = await Assert.ThrowsAsync<FormatException>(() => wrong.GetSignerAsync(CancellationToken.None).AsTask());

        Assert.Equal("ResourceNotFoundException", notFound.Code);
        Assert.Contains("AWSCURRENT", unusable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", unusable.Message, StringComparison.Ordinal);
    }

    private static string Name() => "sdserverless-hook-" + Guid.NewGuid().ToString("N")[..12];

    private SecretsManagerWebhookSigners Source(string secretId, HttpMessageHandler? handler = null) => new(
        _secrets.CreateClient(handler),
        new WebhookSecretOptions { SecretId = secretId, CacheDuration = _timings.CacheDuration, RotationOverlap = _timings.RotationOverlap },
        _clock,
        NullLogger<SecretsManagerWebhookSigners>.Instance);

    private string Sign(WebhookSigner signer) => signer.Sign("msg_rotation", _clock.GetUtcNow().ToUnixTimeSeconds(), Body);

    private WebhookVerification Verify(WebhookSecret secret, string header) =>
        new WebhookVerifier(secret, clock: _clock).Verify(
            "msg_rotation", _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), header, Body);

    /// <summary>The network to Secrets Manager, which a test can cut.</summary>
    private sealed class SwitchableHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _refused;

        public bool Down { get; set; }

        public int Refused => _refused;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                Interlocked.Increment(ref _refused);
                throw new HttpRequestException("connection refused (test)");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
