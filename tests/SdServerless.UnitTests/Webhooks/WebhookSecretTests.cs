using SdServerless.Core.Webhooks;

namespace SdServerless.UnitTests.Webhooks;

public class WebhookSecretTests
{
    private const string SpecSecret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void ParsingAcceptsTheWhsecPrefixAndTheBareBase64Alike()
    {
        var prefixed = WebhookSecret.Parse("whsec_" + SpecSecret);
        var bare = WebhookSecret.Parse(SpecSecret);

        Assert.Equal("whsec_" + SpecSecret, prefixed.Reveal());
        Assert.Equal(prefixed.Reveal(), bare.Reveal());
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("whsec_", "empty")]
    [InlineData("whsec_not base64 at all!", "not valid")]
    [InlineData("whsec_c2hvcnQ=", "decodes to 5 bytes")]
    public void ABadSecretGivesAClearErrorThatDoesNotQuoteIt(string? text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookSecret.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(text) && text != "whsec_")
        {
            Assert.DoesNotContain(text["whsec_".Length..], error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToStringNeverShowsTheKey()
    {
        var secret = WebhookSecret.Parse("whsec_" + SpecSecret);

        Assert.DoesNotContain(SpecSecret, secret.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SpecSecret, $"{secret}", StringComparison.Ordinal);
    }

    [Fact]
    public void AGeneratedSecretIsRandomAndParsesBackFromItsRevealedForm()
    {
        var first = WebhookSecret.Generate();
        var second = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", first.Reveal(), StringComparison.Ordinal);
        Assert.NotEqual(first.Reveal(), second.Reveal());
        Assert.Equal(first.Reveal(), WebhookSecret.Parse(first.Reveal()).Reveal());
    }
}
