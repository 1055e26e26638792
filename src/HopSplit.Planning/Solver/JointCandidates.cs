namespace HopSplit.Planning.Solver;

/// <summary>
/// The micro-batch sizes the exact joint mode must solve: the smallest b of every distinct
/// M = ceil(B / b) (for a fixed M every stage only gets slower as b grows), each with a lower bound
/// on its T, cheapest bound first, so that a good incumbent is found early and prunes the rest.
/// </summary>
internal static class JointCandidates
{
    /// <summary>The candidates with their bounds, ascending by bound (then by b); empty when no plan is feasible.</summary>
    public static IReadOnlyList<(int MicroBatchSize, double LowerBound)> Ordered(MspSolver solver)
    {
        var problem = solver.Problem;
        var candidates = new List<(int MicroBatchSize, double LowerBound)>();
        var previousM = -1;
        for (var b = 1; b <= problem.BatchSize; b++)
        {
            var m = problem.MicroBatches(b);
            if (m == previousM) continue;
            previousM = m;
            var bound = solver.LatencyLowerBound(b);
            if (double.IsPositiveInfinity(bound)) return []; // feasibility does not depend on b
            candidates.Add((b, bound));
        }
        candidates.Sort((x, y) => x.LowerBound != y.LowerBound ? x.LowerBound.CompareTo(y.LowerBound) : x.MicroBatchSize.CompareTo(y.MicroBatchSize));
        return candidates;
    }
}
