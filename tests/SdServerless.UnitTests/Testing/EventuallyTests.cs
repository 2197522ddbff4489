namespace SdServerless.UnitTests.Testing;

/// <summary>The tests' bounded poller: returns as soon as the condition holds, fails with a message once the bound passes.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task ReturnsOnceTheConditionHolds()
    {
        var checks = 0;

        await Eventually.TrueAsync(() => ++checks == 3, TimeSpan.FromSeconds(10), "the third check");

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task AnAsyncConditionTrueAtOnceIsCheckedOnce()
    {
        var checks = 0;

        await Eventually.TrueAsync(() => Task.FromResult(++checks > 0), TimeSpan.Zero, "the first check");

        Assert.Equal(1, checks);
    }

    [Fact]
    public async Task FailsOncePastTheBoundSayingWhatItAwaitedAndWhatItSaw()
    {
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<EventuallyFailedException>(() =>
            Eventually.TrueAsync(() => false, TimeSpan.FromMilliseconds(100), "2 webhooks", () => "1 arrived"));

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(100), "failed before the bound had passed");
        Assert.Contains("2 webhooks", failure.Message, StringComparison.Ordinal);
        Assert.Contains("1 arrived", failure.Message, StringComparison.Ordinal);
    }
}
