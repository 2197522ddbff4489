using SdServerless.Lambda.Context;

namespace SdServerless.UnitTests.Lambda;

public class LambdaContextTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DeadlineCancellationFiresTheSafetyMarginBeforeTheDeadline()
    {
        var context = new LambdaContext("req", _time.GetUtcNow().AddSeconds(10), null, null);
        using var cancellation = context.CreateDeadlineCancellation(_time, TimeSpan.FromMilliseconds(500));

        _time.Advance(TimeSpan.FromMilliseconds(9_400));
        Assert.False(cancellation.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(cancellation.IsCancellationRequested);
        Assert.True(_time.GetUtcNow() < context.Deadline);
    }

    [Fact]
    public void DeadlineAlreadyWithinTheMarginCancelsAtOnce()
    {
        var context = new LambdaContext("req", _time.GetUtcNow().AddMilliseconds(100), null, null);

        using var cancellation = context.CreateDeadlineCancellation(_time, TimeSpan.FromMilliseconds(500));

        Assert.True(cancellation.IsCancellationRequested);
    }

    [Fact]
    public void RemainingTimeCountsDownToZero()
    {
        var context = new LambdaContext("req", _time.GetUtcNow().AddSeconds(3), null, null);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), context.GetRemainingTime(_time));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, context.GetRemainingTime(_time));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void DeadlineHeaderThatIsNotMillisecondsIsRejected(string? header) =>
        Assert.Throws<FormatException>(() => LambdaContext.ParseDeadline(header));
}
