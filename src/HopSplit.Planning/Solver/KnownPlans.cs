using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>One threshold's answer: the min-sum simple plan below it, or the best found with a certified bound.</summary>
internal readonly record struct Subproblem(PlanShape? Shape, double Sum, double Max, bool Exact, double SumLowerBound);

/// <summary>
/// The simple plans the solver has found for one micro-batch size. A plan whose bottleneck is below a
/// threshold is a candidate at that threshold, so the cheapest of them bounds that threshold's
/// min-sum from above before its search starts.
/// </summary>
internal sealed class KnownPlans
{
    private readonly List<Subproblem> _plans = new();
    private int _microBatchSize;

    /// <summary>Remembers a plan found at micro-batch size b (forgetting those of another b).</summary>
    public void Add(int b, Subproblem plan)
    {
        if (plan.Shape is null) throw new ArgumentException("only plans can be known", nameof(plan));
        if (b != _microBatchSize) _plans.Clear();
        _microBatchSize = b;
        _plans.Add(plan);
    }

    /// <summary>The known plan at b with the smallest sum among those whose bottleneck is below limit, if any.</summary>
    public Subproblem? BestBelow(int b, double limit)
    {
        if (b != _microBatchSize) return null;
        Subproblem? best = null;
        foreach (var plan in _plans)
        {
            if (plan.Max < limit && (best is null || plan.Sum < best.Value.Sum)) best = plan;
        }
        return best;
    }
}
