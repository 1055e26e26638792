using HopSplit.Experiments.Models;
using HopSplit.Planning;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>Runs one planning algorithm; an infeasible plan is null (a dash in the tables), not an error.</summary>
public static class PlanRunner
{
    /// <summary>HopSplit's planner and the baselines of MODEL.md section 10, in table order.</summary>
    public static IReadOnlyList<PlanningAlgorithm> Compared { get; } =
        [PlanningAlgorithm.Bsp, PlanningAlgorithm.Sequential, PlanningAlgorithm.Even, PlanningAlgorithm.TwoTier, PlanningAlgorithm.Bottleneck];

    public static Plan? TryPlan(ExperimentModel model, Network network, PlanningAlgorithm algorithm, int? microBatch = null, JointMode joint = JointMode.Alternating) =>
        TryPlan(model.Costs, network, new TrainingJob(model.BatchSize), algorithm, microBatch, joint);

    public static Plan? TryPlan(ModelCosts model, Network network, TrainingJob job, PlanningAlgorithm algorithm, int? microBatch = null, JointMode joint = JointMode.Alternating)
    {
        try
        {
            return Planner.Plan(model, network, job, new PlannerOptions(algorithm, microBatch, joint));
        }
        catch (InfeasiblePlanException)
        {
            return null;
        }
    }

    public static double Latency(Plan? plan) => plan?.LatencySeconds ?? double.NaN;

    public static string Name(PlanningAlgorithm algorithm) => algorithm == PlanningAlgorithm.Bsp ? "hopsplit" : Planner.Name(algorithm);

    /// <summary>How the plan splits, e.g. "device[0..3] cloud[4..38] b=4" (for the tables).</summary>
    public static string Describe(Plan? plan) => plan is null
        ? "infeasible"
        : string.Join(" ", plan.Segments.Select(s => $"{s.Node}[{s.FirstLayer}..{s.LastLayer}]")) + $" b={plan.MicroBatchSize}";

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double GeometricMean(IEnumerable<double> values)
    {
        var list = values.Where(v => double.IsFinite(v) && v > 0).ToArray();
        return list.Length == 0 ? double.NaN : Math.Exp(list.Average(Math.Log));
    }
}
