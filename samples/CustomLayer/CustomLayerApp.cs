using System.Globalization;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Samples.CustomLayer;

/// <summary>
/// Prints SeNet's generated cost table (the squeeze-and-excitation row comes from its <c>[LayerCost]</c>), plans it
/// on <see cref="CameraNetwork"/> and simulates the plan. Nothing is trained (the sample references the managed
/// TorchSharp package only, so it has no libtorch).
/// </summary>
public static class CustomLayerApp
{
    /// <summary>The mini-batch size the sample plans for.</summary>
    public const int BatchSize = 64;

    public static int Run(TextWriter output)
    {
        output.WriteLine($"SeNet: {SeNet.CostTable.Count} layers, {Count(SeNet.CostTable.Sum(r => r.Parameters))} parameters (generated cost table)");
        output.WriteLine($"  {"#",-3}{"layer",-7}{"kind",-15}{"output",-10}{"parameters",12}{"forward FLOPs",15}  source");
        for (var i = 0; i < SeNet.CostTable.Count; i++)
        {
            var row = SeNet.CostTable[i];
            output.WriteLine($"  {i,-3}{row.Name,-7}{row.Kind,-15}{string.Join("x", row.OutputShape),-10}{Count(row.Parameters),12}" +
                             $"{Count(row.ForwardFlops),15}  {row.Source}");
        }
        foreach (var row in SeNet.CostTable.Where(r => r.Source == CostSource.Attribute))
            output.WriteLine($"  '{row.Name}' ({row.Kind}) is a user-written module: its costs come from its [LayerCost] attribute.");

        var problem = new PlanningProblem(SeNet.Costs, CameraNetwork.Network, new TrainingJob(BatchSize));
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequential = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        output.WriteLine();
        output.WriteLine($"Plan ({plan.Algorithm}): {string.Join(" -> ", plan.Path)}; mini-batch {BatchSize} in {plan.MicroBatches} micro-batch(es) of {plan.MicroBatchSize}");
        foreach (var segment in plan.Segments)
        {
            output.WriteLine($"  {segment.Node,-7} layers {segment.FirstLayer}..{segment.LastLayer} " +
                             $"({SeNet.Costs.Layers[segment.FirstLayer].Name} .. {SeNet.Costs.Layers[segment.LastLayer].Name})");
        }
        output.WriteLine($"Predicted {Seconds(plan.LatencySeconds)} per mini-batch, sequential split learning " +
                         $"{Seconds(sequential.LatencySeconds)}: {Number(sequential.LatencySeconds / plan.LatencySeconds, "0.00")}x faster.");
        var workload = PipelineWorkload.FromPlan(problem, plan);
        foreach (var schedule in new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB })
        {
            var run = PipelineSimulator.Run(workload, schedule);
            output.WriteLine($"Simulated {ScheduleNames.Name(schedule),-5} {Seconds(run.MakespanSeconds)} (lower bound {Seconds(PipelineLowerBound.Of(workload).Seconds)})");
        }
        return 0;
    }

    private static string Seconds(double seconds) => Number(seconds * 1000, "0.000") + " ms";

    private static string Count(double value) => Number(value, "#,0");

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
