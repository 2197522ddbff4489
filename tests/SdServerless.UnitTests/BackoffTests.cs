using SdServerless.Core;

namespace SdServerless.UnitTests;

/// <summary>The one backoff every retry and poll uses.</summary>
public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    [InlineData(0, 1)]
    public void ExponentialDoublesFromTheFirstDelayUpToTheCap(int retry, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Exponential(TimeSpan.FromSeconds(1), retry, TimeSpan.FromSeconds(30)));

    [Fact]
    public void APollWaitsTwiceAsLongEachTimeUntilItsLongestPause()
    {
        var pause = TimeSpan.FromMilliseconds(50);
        var seen = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            pause = Backoff.Next(pause, TimeSpan.FromMilliseconds(200));
            seen.Add(pause.TotalMilliseconds);
        }

        Assert.Equal([100, 200, 200, 200, 200], seen);
    }

    [Theory]
    [InlineData(0.0, 5)]
    [InlineData(0.5, 7.5)]
    [InlineData(0.999, 9.995)]
    public void EqualJitterKeepsHalfAndScalesTheOtherHalf(double jitter, double seconds) =>
        Assert.Equal(seconds, Backoff.WithJitter(TimeSpan.FromSeconds(10), jitter).TotalSeconds, 3);
}
