namespace HopSplit.Planning.Solver;

/// <summary>
/// Proven lower bounds on the min-sum simple plan below a threshold, for one micro-batch size.
/// Lowering the threshold only removes plans, so a bound proven below one threshold holds below
/// every smaller one: each threshold's search starts from what larger thresholds already proved,
/// instead of from the relaxed bound.
/// </summary>
internal sealed class SumLowerBounds
{
    private readonly List<(double Limit, double Bound)> _proven = new();
    private int _microBatchSize;

    /// <summary>Records that every simple plan with all stages below <paramref name="limit"/> costs at least <paramref name="bound"/> at b.</summary>
    public void Add(int b, double limit, double bound)
    {
        if (b != _microBatchSize) _proven.Clear();
        _microBatchSize = b;
        _proven.Add((limit, bound));
    }

    /// <summary>The best proven bound below <paramref name="limit"/> at b (0 when none is known).</summary>
    public double Below(int b, double limit)
    {
        if (b != _microBatchSize) return 0;
        var best = 0.0;
        foreach (var (provenLimit, bound) in _proven)
        {
            if (provenLimit >= limit) best = Math.Max(best, bound);
        }
        return best;
    }
}
