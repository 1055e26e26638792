namespace HopSplit.Runtime;

/// <summary>The median of measured times: the runtime's report and the profiler both summarize runs with it.</summary>
internal static class Median
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN for no values.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
