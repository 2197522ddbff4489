namespace SdServerless.Benchmarks.Harness;

/// <summary>Nearest-rank percentiles (p50 of 1..100 is 50), the definition that never invents a value.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> values, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count, nameof(values));
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
