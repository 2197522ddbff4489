namespace SdServerless.Testing;

/// <summary>
/// Waits, on the wall clock, for something a background task or another process brings about. Past the bound it
/// throws <see cref="EventuallyFailedException"/> with what was awaited (and, from its <c>describe</c> argument, what
/// was seen instead), so a test that waits in vain fails loudly and says why instead of hanging or asserting on
/// whatever state the wait ended in.
/// </summary>
public static class Eventually
{
    /// <summary>How often the condition is checked again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <param name="condition">Checked at once, then every <see cref="Interval"/>.</param>
    /// <param name="within">The bound: the condition still false past it fails the test.</param>
    /// <param name="what">What is awaited, for the failure message ("3 webhooks arrive").</param>
    /// <param name="describe">What was seen, added to the failure message.</param>
    public static Task TrueAsync(Func<bool> condition, TimeSpan within, string what, Func<string>? describe = null) =>
        TrueAsync(() => Task.FromResult(condition()), within, what, describe);

    /// <inheritdoc cref="TrueAsync(Func{bool}, TimeSpan, string, Func{string}?)"/>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                var seen = describe is null ? "" : $": {describe()}";
                throw new EventuallyFailedException($"Waited {within.TotalSeconds:0.###} s for {what}, in vain{seen}");
            }

            await Task.Delay(Interval);
        }
    }
}

/// <summary>What <see cref="Eventually"/> awaited did not happen within its bound.</summary>
public sealed class EventuallyFailedException(string message) : Exception(message);
