using HopSplit.Planning.Baselines;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Solver;

namespace HopSplit.Planning;

/// <summary>The planning algorithms a user can ask for (MODEL.md sections 7 and 10).</summary>
public enum PlanningAlgorithm { Bsp, Sequential, Even, TwoTier, Bottleneck, Exhaustive }

/// <summary>How b is chosen together with the plan when the user does not fix it.</summary>
public enum JointMode
{
    /// <summary>Alternate MSP and the closed-form micro-batch size (the paper's algorithm), from b = B and from b = 1.</summary>
    Alternating,
    /// <summary>Solve MSP for every distinct number of micro-batches: exact, slower.</summary>
    Exact,
}

/// <param name="Algorithm">Which planner.</param>
/// <param name="MicroBatchSize">A fixed b; null lets the planner choose.</param>
/// <param name="Joint">How b is chosen when it is not fixed.</param>
public sealed record PlannerOptions(PlanningAlgorithm Algorithm = PlanningAlgorithm.Bsp, int? MicroBatchSize = null, JointMode Joint = JointMode.Alternating);

/// <summary>No plan fits: the message names the node, the layers and the bytes.</summary>
public sealed class InfeasiblePlanException(string message) : Exception(message);

/// <summary>The entry point: the optimal split, placement and micro-batch size for a model on a network.</summary>
public static class Planner
{
    public static Plan Plan(ModelCosts model, Network network, TrainingJob job, PlannerOptions? options = null) =>
        Plan(new PlanningProblem(model, network, job), options ?? new PlannerOptions());

    public static Plan Plan(PlanningProblem problem, PlannerOptions options)
    {
        if (options.MicroBatchSize is { } b && (b < 1 || b > problem.BatchSize))
            throw new ArgumentOutOfRangeException(nameof(options), b, $"the micro-batch size must be between 1 and the batch size {problem.BatchSize}");

        var notes = new List<string>();
        (PlanShape Shape, int MicroBatchSize)? found = options.Algorithm switch
        {
            PlanningAlgorithm.Bsp => Bsp(problem, options, notes),
            PlanningAlgorithm.Sequential => BaselinePlanners.Sequential(problem),
            PlanningAlgorithm.Even => BaselinePlanners.EvenSplit(problem, options.MicroBatchSize),
            PlanningAlgorithm.TwoTier => BaselinePlanners.TwoTier(problem, options.MicroBatchSize),
            PlanningAlgorithm.Bottleneck => BaselinePlanners.BottleneckOnly(problem, options.MicroBatchSize),
            PlanningAlgorithm.Exhaustive => Exhaustive(problem, options.MicroBatchSize),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Algorithm, null),
        };
        if (options.Algorithm == PlanningAlgorithm.Sequential && options.MicroBatchSize is not null && options.MicroBatchSize != problem.BatchSize)
            notes.Add("sequential split learning has no micro-batches: b = B, the given micro-batch size is ignored");
        if (problem.Job.Schedule == ScheduleKind.OneFOneB)
            notes.Add("memory is checked as for gpipe (every sample's activations held at once), which is safe for 1f1b too");
        if (found is null)
        {
            var why = options.Algorithm is PlanningAlgorithm.Bsp or PlanningAlgorithm.Exhaustive or PlanningAlgorithm.Sequential
                ? InfeasibilityExplainer.Explain(problem)
                : $"the {Name(options.Algorithm)} baseline finds no plan that fits: " + InfeasibilityExplainer.Explain(problem);
            throw new InfeasiblePlanException(why);
        }
        return new Plan(problem, found.Value.Shape, found.Value.MicroBatchSize, Name(options.Algorithm), notes);
    }

    public static string Name(PlanningAlgorithm algorithm) => algorithm switch
    {
        PlanningAlgorithm.Bsp => "bsp",
        PlanningAlgorithm.Sequential => "sequential",
        PlanningAlgorithm.Even => "even",
        PlanningAlgorithm.TwoTier => "two-tier",
        PlanningAlgorithm.Bottleneck => "bottleneck",
        PlanningAlgorithm.Exhaustive => "exhaustive",
        _ => algorithm.ToString(),
    };

    private static (PlanShape, int)? Bsp(PlanningProblem problem, PlannerOptions options, List<string> notes)
    {
        var solver = new MspSolver(problem);
        (PlanShape, int)? result;
        if (options.MicroBatchSize is { } b)
        {
            var fixedB = solver.Solve(b);
            result = fixedB is null ? null : (fixedB.Shape, b);
            if (fixedB is { ProvenOptimal: false })
                notes.Add($"not proven optimal: the plan is at most {fixedB.OptimalityGap:P1} above a certified lower bound " +
                          "(the search for a path that visits no node twice stopped at its budget)");
        }
        else
        {
            var joint = options.Joint == JointMode.Exact ? JointOptimizer.Exact(solver) : JointOptimizer.AlternateFromBothEnds(solver);
            result = joint is null ? null : (joint.Shape, joint.MicroBatchSize);
        }
        var statistics = solver.Statistics;
        if (statistics.RevisitedNodes.Count > 0)
        {
            notes.Add($"shortest walks came back to {string.Join(", ", statistics.RevisitedNodes.Select(n => $"'{n}'"))}, which a plan may not do; " +
                      "the search tracked visits to those nodes so the plan's path is simple and still optimal" +
                      (statistics.BranchAndBoundSearches > 0 ? $" ({statistics.BranchAndBoundSearches} subproblem(s) by branch and bound)" : ""));
        }
        if (statistics.UnprovenSubproblems > 0 && options.MicroBatchSize is null)
            notes.Add($"{statistics.UnprovenSubproblems} subproblem(s) stopped at the search budget: the plan is the best found, not proven optimal");
        return result;
    }

    private static (PlanShape, int)? Exhaustive(PlanningProblem problem, int? microBatchSize)
    {
        if (microBatchSize is { } b)
        {
            var best = ExhaustivePlanner.Best(problem, b);
            return best.Shape is null ? null : (best.Shape, b);
        }
        var joint = ExhaustivePlanner.BestJoint(problem);
        return joint.Shape is null ? null : (joint.Shape, joint.MicroBatchSize);
    }
}
