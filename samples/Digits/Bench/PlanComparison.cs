using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Training;

namespace HopSplit.Samples.Digits.Bench;

/// <summary>One plan, predicted and measured.</summary>
/// <param name="Algorithm">Which planner made it.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Report">What its emulated training steps measured.</param>
public sealed record ComparedPlan(string Algorithm, Plan Plan, PipelineReport Report)
{
    /// <summary>"sensor[0..2] gateway[3..6] edge[7..9], b = 8".</summary>
    public string Describe() =>
        string.Join(" ", Plan.Segments.Select(s => $"{s.Node}[{s.FirstLayer}..{s.LastLayer}]")) + $", b = {Plan.MicroBatchSize}";
}

/// <summary>
/// Trains DigitNet over the emulated network with HopSplit's plan and with every baseline of MODEL.md section 10,
/// and checks that the measured ranking of the plans is the predicted one (issue 7's confirmation by real runs).
/// </summary>
public static class PlanComparison
{
    public static readonly (string Name, PlanningAlgorithm Algorithm)[] Planners =
    [
        ("hopsplit", PlanningAlgorithm.Bsp),
        ("sequential", PlanningAlgorithm.Sequential),
        ("even", PlanningAlgorithm.Even),
        ("two-tier", PlanningAlgorithm.TwoTier),
        ("bottleneck", PlanningAlgorithm.Bottleneck),
    ];

    public static IReadOnlyList<ComparedPlan> Run(ScheduleKind schedule, int steps, DigitImages data, TextWriter log)
    {
        GlibcHeap.KeepLargeBlocks();
        var problem = DigitsTraining.Problem(new DigitsTrainingOptions(schedule));
        var compared = new List<ComparedPlan>();
        foreach (var (name, algorithm) in Planners)
        {
            var plan = Planner.Plan(problem, new PlannerOptions(algorithm));
            using var batches = new MiniBatches(data, problem.BatchSize, seed: 1);
            TorchSharp.torch.random.manual_seed(1);
            using var model = new DigitNet();
            var run = PipelineRun.Train(model, PipelineLayout.From(problem, plan), schedule, NetworkEmulation.Modeled, batches,
                warmUp: 2, steps, learningRate: 0.002);
            compared.Add(new ComparedPlan(name, plan, run.Report));
            log.WriteLine($"{name,-11} predicted {plan.LatencySeconds * 1e3,8:F1} ms, simulated {run.Report.SimulatedSeconds * 1e3,8:F1} ms, measured {run.Report.MeasuredSeconds * 1e3,8:F1} ms");
        }
        return compared;
    }

    /// <summary>
    /// Pairs of plans whose order by measured time differs from their order by simulated time, ignoring
    /// pairs the simulator puts within <paramref name="tie"/> of each other (equal plans measure equal up to noise).
    /// </summary>
    public static IReadOnlyList<(ComparedPlan Faster, ComparedPlan Slower)> Inversions(IReadOnlyList<ComparedPlan> plans, double tie = 0.02)
    {
        var inversions = new List<(ComparedPlan, ComparedPlan)>();
        for (var i = 0; i < plans.Count; i++)
        {
            for (var j = i + 1; j < plans.Count; j++)
            {
                var (a, b) = plans[i].Report.SimulatedSeconds <= plans[j].Report.SimulatedSeconds ? (plans[i], plans[j]) : (plans[j], plans[i]);
                if (b.Report.SimulatedSeconds <= a.Report.SimulatedSeconds * (1 + tie)) continue;
                if (a.Report.MeasuredSeconds > b.Report.MeasuredSeconds) inversions.Add((a, b));
            }
        }
        return inversions;
    }
}
