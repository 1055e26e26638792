using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>An optimal split and placement for one micro-batch size.</summary>
/// <param name="Shape">The path and segments.</param>
/// <param name="MicroBatchSize">b.</param>
/// <param name="Sum">sum of stage costs at b.</param>
/// <param name="Max">the bottleneck stage cost at b.</param>
/// <param name="Latency">T(P, b) with M = ceil(B / b).</param>
public sealed record MspResult(PlanShape Shape, int MicroBatchSize, double Sum, double Max, double Latency);

/// <summary>What the solver did, accumulated over its calls; reported by benchmarks and plans.</summary>
public sealed class SolverStatistics
{
    /// <summary>Shortest-path subproblems (one threshold each) solved.</summary>
    public int ShortestPathRuns { get; internal set; }

    /// <summary>Subproblems whose relaxed shortest walk revisited a node and needed the exact simple-path search.</summary>
    public int RevisitFallbacks { get; internal set; }

    /// <summary>States the simple-path searches expanded.</summary>
    public long FallbackStatesExpanded { get; internal set; }

    /// <summary>Nodes that relaxed walks revisited (by id), for the plan's notes.</summary>
    public SortedSet<string> RevisitedNodes { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Optimal model splitting and placement for a fixed micro-batch size (MODEL.md section 7): the
/// bottleneck-aware shortest path. It minimizes sum(c) + lambda * max(c) by walking down the
/// staircase of bottleneck thresholds: solve min-sum over edges below the current threshold, score
/// the plan with its own bottleneck, then lower the threshold below that bottleneck. Every plan whose
/// bottleneck lies between the two thresholds costs at least as much, so each step skips all the
/// thresholds in between; the search stops when the min-sum bound plus lambda times the smallest
/// possible bottleneck cannot beat the incumbent. Exact over simple paths: a relaxed walk that
/// revisits a node is replaced by the exact simple-path search for that threshold.
/// </summary>
public sealed class MspSolver
{
    private readonly PlanningProblem _problem;
    private readonly LayeredPlanGraph _graph;
    private readonly SimplePlanSearch _simple;

    public MspSolver(PlanningProblem problem)
    {
        _problem = problem;
        _graph = new LayeredPlanGraph(problem);
        _simple = new SimplePlanSearch(problem);
    }

    public PlanningProblem Problem => _problem;

    public SolverStatistics Statistics { get; } = new();

    /// <summary>The plan minimizing T(P, b) for this b (lambda = M - 1), or null when no plan is feasible.</summary>
    public MspResult? Solve(int b) => SolveWeighted(b, _problem.MicroBatches(b) - 1);

    /// <summary>The plan minimizing sum(c) + lambda * max(c) at micro-batch size b.</summary>
    public MspResult? SolveWeighted(int b, double lambda)
    {
        CheckMicroBatch(b);
        // The smallest bottleneck any walk can have bounds every later threshold from below.
        var lowestBottleneck = _graph.Solve(b, double.PositiveInfinity, LayeredPlanGraph.PathMeasure.Max, out _);
        if (double.IsPositiveInfinity(lowestBottleneck)) return null;

        MspResult? best = null;
        var bestObjective = double.PositiveInfinity;
        var limit = double.PositiveInfinity;
        while (true)
        {
            var found = MinSum(b, limit);
            if (found is null) break;
            var (shape, sum, max) = found.Value;
            var objective = sum + lambda * max;
            if (objective < bestObjective)
            {
                bestObjective = objective;
                best = Result(shape, b, sum, max);
            }
            if (lambda == 0 || !(sum + lambda * lowestBottleneck < bestObjective)) break;
            limit = max;
        }
        return best;
    }

    /// <summary>The plan with the smallest bottleneck stage at b, ties broken by the smallest sum.</summary>
    public MspResult? SolveBottleneck(int b)
    {
        CheckMicroBatch(b);
        var threshold = _graph.Solve(b, double.PositiveInfinity, LayeredPlanGraph.PathMeasure.Max, out _);
        if (double.IsPositiveInfinity(threshold)) return null;
        double[]? costs = null;
        while (true)
        {
            // cost < next-double(threshold) keeps exactly the edges with cost <= threshold.
            var found = MinSum(b, Math.BitIncrement(threshold));
            if (found is not null) return Result(found.Value.Shape, b, found.Value.Sum, found.Value.Max);
            // Only simple paths may exceed the relaxed bottleneck: try the next distinct stage cost.
            costs ??= DistinctStageCosts(b);
            var next = Array.BinarySearch(costs, Math.BitIncrement(threshold));
            if (next < 0) next = ~next;
            if (next >= costs.Length) return null;
            threshold = costs[next];
        }
    }

    private MspResult Result(PlanShape shape, int b, double sum, double max) =>
        new(shape, b, sum, max, sum + (_problem.MicroBatches(b) - 1) * max);

    private void CheckMicroBatch(int b)
    {
        if (b < 1 || b > _problem.BatchSize)
            throw new ArgumentOutOfRangeException(nameof(b), b, $"the micro-batch size must be between 1 and the batch size {_problem.BatchSize}");
    }

    /// <summary>Min-sum simple plan over edges with cost &lt; limit, with its sum and bottleneck.</summary>
    private (PlanShape Shape, double Sum, double Max)? MinSum(int b, double limit)
    {
        Statistics.ShortestPathRuns++;
        var sum = _graph.Solve(b, limit, LayeredPlanGraph.PathMeasure.Sum, out var walk);
        if (walk is null) return null;
        PlanShape? shape;
        if (walk.IsSimple)
        {
            shape = walk.ToShape();
        }
        else
        {
            Statistics.RevisitFallbacks++;
            Statistics.RevisitedNodes.Add(_problem.Network.Nodes[walk.FirstRevisitedNode()].Id);
            shape = _simple.Solve(b, limit, out sum);
            Statistics.FallbackStatesExpanded += _simple.Expanded;
            if (shape is null) return null;
        }
        var max = shape.Stages().Max(s => s.Time(_problem, b).Cost);
        return (shape, sum, max);
    }

    /// <summary>How many distinct stage costs exist at b: the Dijkstra runs plain threshold enumeration would make.</summary>
    public int DistinctStageCostCount(int b) => DistinctStageCosts(b).Length;

    private double[] DistinctStageCosts(int b)
    {
        var costs = new List<double>();
        for (var n = 0; n < _problem.NodeCount; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            for (var first = 0; first < _problem.LayerCount; first++)
            {
                for (var last = first; last < _problem.LayerCount && _problem.Fits(n, first, last); last++)
                    costs.Add(_problem.ComputeCost(n, first, last, b));
            }
        }
        for (var link = 0; link < _problem.Network.Links.Count; link++)
        {
            for (var cut = 0; cut < _problem.LayerCount - 1; cut++) costs.Add(_problem.LinkCost(link, cut, b));
        }
        return costs.Distinct().Order().ToArray();
    }
}
