using HopSplit.Planning.Costs;
using HopSplit.Planning.MicroBatch;

namespace HopSplit.Planning.Solver;

/// <summary>One round of the alternation: the plan solved for b, then the micro-batch size re-chosen for it.</summary>
public sealed record AlternationStep(int SolvedFor, PlanShape Shape, int NextMicroBatchSize, double Latency);

/// <summary>A jointly optimized plan shape and micro-batch size.</summary>
public sealed record JointResult(PlanShape Shape, int MicroBatchSize, double Latency, IReadOnlyList<AlternationStep> Steps);

/// <summary>The joint problem over plans and b (MODEL.md section 8).</summary>
public static class JointOptimizer
{
    /// <summary>
    /// Alternates MSP for a fixed b with the closed-form b for a fixed plan, from b = start (default B),
    /// until the plan and b repeat or T stops falling. Null when no plan is feasible.
    /// </summary>
    public static JointResult? Alternate(MspSolver solver, int? start = null) =>
        Alternate(solver.Problem, b => solver.Solve(b)?.Shape, start);

    /// <summary>
    /// The alternation from both ends, b = B (the paper's start) and b = 1, keeping the better result.
    /// From b = B the first plan is the sequential one, whose closed-form b may never move far enough
    /// to make a pipelined plan win; starting from the most pipelined end catches those cases. On
    /// random instances this turns a worst-case gap of tens of percent into a few (docs/planner.md).
    /// </summary>
    public static JointResult? AlternateFromBothEnds(MspSolver solver)
    {
        var fromB = Alternate(solver);
        if (fromB is null || solver.Problem.BatchSize == 1) return fromB;
        var fromOne = Alternate(solver, 1)!;
        var steps = fromB.Steps.Concat(fromOne.Steps).ToList();
        var best = fromOne.Latency < fromB.Latency ? fromOne : fromB;
        return best with { Steps = steps };
    }

    /// <summary>The same alternation around any plan-for-b rule (used by the bottleneck-only baseline).</summary>
    public static JointResult? Alternate(PlanningProblem problem, Func<int, PlanShape?> planFor, int? start = null)
    {
        var b = start ?? problem.BatchSize;
        var steps = new List<AlternationStep>();
        JointResult? best = null;
        var seen = new HashSet<(PlanShape, int)>();
        while (true)
        {
            var shape = planFor(b);
            if (shape is null) return best;
            var choice = MicroBatchOptimizer.Optimize(problem, shape);
            steps.Add(new AlternationStep(b, shape, choice.MicroBatchSize, choice.Latency));
            if (best is not null && !(choice.Latency < best.Latency)) break;
            best = new JointResult(shape, choice.MicroBatchSize, choice.Latency, steps);
            if (!seen.Add((shape, choice.MicroBatchSize)) || choice.MicroBatchSize == b) break;
            b = choice.MicroBatchSize;
        }
        return best;
    }

    /// <summary>
    /// Exact joint optimum: for a fixed M every stage cost grows with b, so only the smallest b giving
    /// each M = ceil(B / b) can be optimal. Those b are solved best-first: ordered by a cheap lower
    /// bound on their T, each solved only for plans that beat the best T so far, and the search stops
    /// when the next bound cannot beat it. Each plan found is also scored at its own best b
    /// (closed form), which sharpens the incumbent early. The steps list the b whose solve found a
    /// better plan, with that plan's best b and T.
    /// </summary>
    public static JointResult? Exact(MspSolver solver)
    {
        var problem = solver.Problem;
        var candidates = JointCandidates.Ordered(solver);
        if (candidates.Count == 0) return null; // memory does not depend on b: infeasible for every b
        var steps = new List<AlternationStep>();
        JointResult? best = null;
        foreach (var (b, lowerBound) in candidates)
        {
            var incumbent = best?.Latency ?? double.PositiveInfinity;
            if (!CostCutoff.IsBelow(lowerBound, incumbent)) break; // the rest are sorted: none can win
            var result = solver.SolveBelow(b, incumbent);
            if (result is null)
            {
                if (best is null) return null; // the first solve has no incumbent: no plan at all
                continue;
            }
            // The plan at its own best b is a candidate too (and often beats the b it was solved for):
            // a better incumbent early prunes more of the b still to solve.
            var choice = MicroBatchOptimizer.Optimize(problem, result.Shape);
            steps.Add(new AlternationStep(b, result.Shape, choice.MicroBatchSize, choice.Latency));
            if (result.Latency < incumbent) best = new JointResult(result.Shape, b, result.Latency, steps);
            if (choice.Latency < best!.Latency) best = new JointResult(result.Shape, choice.MicroBatchSize, choice.Latency, steps);
        }
        return best is null ? null : best with { Steps = steps };
    }
}
