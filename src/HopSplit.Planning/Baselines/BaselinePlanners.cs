using HopSplit.Planning.Costs;
using HopSplit.Planning.MicroBatch;
using HopSplit.Planning.Solver;

namespace HopSplit.Planning.Baselines;

/// <summary>
/// The comparison schemes of MODEL.md section 10. Each returns a plan shape and micro-batch size, or
/// null when it finds no feasible plan. Except for sequential (b = B by definition) and a b the user
/// fixes, each baseline gets the best micro-batch size for its own plan, so that comparisons isolate
/// how the plan was chosen.
/// </summary>
public static class BaselinePlanners
{
    /// <summary>No pipelining: b = B, placement by min-sum shortest path (earlier multi-hop split learning).</summary>
    public static (PlanShape Shape, int MicroBatchSize)? Sequential(PlanningProblem problem)
    {
        var result = new MspSolver(problem).SolveWeighted(problem.BatchSize, 0);
        return result is null ? null : (result.Shape, problem.BatchSize);
    }

    /// <summary>
    /// Layers split evenly by FLOPs over the compute nodes of the fewest-hop path from the source to
    /// the sink, or, without a sink, to the fastest compute node (ties: the fewest hops, then the id).
    /// </summary>
    public static (PlanShape Shape, int MicroBatchSize)? EvenSplit(PlanningProblem problem, int? microBatchSize = null)
    {
        var network = problem.Network;
        var tree = network.FewestHopTree();
        var (parents, parentLinks) = (tree.Parents, tree.ParentLinks);
        var target = network.SinkIndex;
        if (target < 0)
        {
            target = Enumerable.Range(0, problem.NodeCount)
                .Where(n => problem.CanCompute(n) && (n == network.SourceIndex || parents[n] >= 0))
                .OrderByDescending(n => network.Nodes[n].Flops)
                .ThenBy(tree.Hops)
                .ThenBy(n => network.Nodes[n].Id, StringComparer.Ordinal)
                .First();
        }
        if (target != network.SourceIndex && parents[target] < 0) return null;

        var path = new List<int> { target };
        var links = new List<int>();
        for (var n = target; n != network.SourceIndex; n = parents[n])
        {
            links.Add(parentLinks[n]);
            path.Add(parents[n]);
        }
        path.Reverse();
        links.Reverse();

        var compute = path.Where(problem.CanCompute).ToList();
        if (compute.Count > problem.LayerCount)
        {
            // Too few layers to give every node one: keep the source and the last nodes of the path.
            compute = compute.Take(1).Concat(compute.Skip(compute.Count - problem.LayerCount + 1)).ToList();
        }
        var segments = SplitEvenly(problem, compute);
        var shape = Trim(path, links, segments);
        if (!Objective.FitsMemory(problem, shape)) return null;
        var b = microBatchSize ?? MicroBatchOptimizer.Optimize(problem, shape).MicroBatchSize;
        return (shape, b);
    }

    /// <summary>The source and one other compute node (or the source alone), best over every choice of that node.</summary>
    public static (PlanShape Shape, int MicroBatchSize)? TwoTier(PlanningProblem problem, int? microBatchSize = null)
    {
        var network = problem.Network;
        var source = network.Nodes[network.SourceIndex].Id;
        (PlanShape Shape, int MicroBatchSize)? best = null;
        var bestT = double.PositiveInfinity;
        foreach (var other in network.Nodes.Where(n => n.Flops > 0))
        {
            var restricted = new PlanningProblem(problem.Model, network.WithComputeOnly(new HashSet<string> { source, other.Id }), problem.Job);
            var solver = new MspSolver(restricted);
            (PlanShape Shape, int MicroBatchSize)? candidate = null;
            if (microBatchSize is { } fixedB)
            {
                if (solver.Solve(fixedB) is { } r) candidate = (r.Shape, fixedB);
            }
            else if (JointOptimizer.AlternateFromBothEnds(solver) is { } joint)
            {
                candidate = (joint.Shape, joint.MicroBatchSize);
            }
            if (candidate is null) continue;
            var t = Objective.Latency(problem, candidate.Value.Shape, candidate.Value.MicroBatchSize);
            if (t < bestT)
            {
                bestT = t;
                best = candidate;
            }
        }
        return best;
    }

    /// <summary>
    /// Minimize the bottleneck stage alone (throughput planners such as PipeDream's), ties broken by
    /// the sum, with b chosen for that plan and the two alternated; scored by T like every plan.
    /// </summary>
    public static (PlanShape Shape, int MicroBatchSize)? BottleneckOnly(PlanningProblem problem, int? microBatchSize = null)
    {
        var solver = new MspSolver(problem);
        if (microBatchSize is { } fixedB)
            return solver.SolveBottleneck(fixedB) is { } r ? (r.Shape, fixedB) : null;
        var joint = JointOptimizer.Alternate(problem, b => solver.SolveBottleneck(b)?.Shape);
        return joint is null ? null : (joint.Shape, joint.MicroBatchSize);
    }

    private static List<SegmentPlacement> SplitEvenly(PlanningProblem problem, IReadOnlyList<int> compute)
    {
        var total = problem.WorkFlops(0, problem.LayerCount - 1);
        var segments = new List<SegmentPlacement>();
        var first = 0;
        for (var k = 0; k < compute.Count; k++)
        {
            var remainingNodes = compute.Count - k;
            int last;
            if (remainingNodes == 1)
            {
                last = problem.LayerCount - 1;
            }
            else
            {
                // Grow the segment while it stays closest to an even share; leave a layer for every later node.
                var target = total * (k + 1) / compute.Count;
                last = first;
                while (last + 1 < problem.LayerCount - (remainingNodes - 1)
                       && Math.Abs(problem.WorkFlops(0, last + 1) - target) <= Math.Abs(problem.WorkFlops(0, last) - target))
                    last++;
            }
            segments.Add(new SegmentPlacement(compute[k], first, last));
            first = last + 1;
        }
        return segments;
    }

    /// <summary>Cuts the path after its last compute node (a plan's path ends there).</summary>
    private static PlanShape Trim(List<int> path, List<int> links, List<SegmentPlacement> segments)
    {
        var end = path.IndexOf(segments[^1].Node);
        return new PlanShape(path.Take(end + 1).ToArray(), links.Take(end).ToArray(), segments);
    }
}
