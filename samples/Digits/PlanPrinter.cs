using System.Globalization;
using HopSplit.Planning;
using HopSplit.Planning.Model;

namespace HopSplit.Samples.Digits;

/// <summary>Writes a plan as plain text: path, micro-batches, predicted time against sequential, segments and stages.</summary>
public static class PlanPrinter
{
    public static void Write(TextWriter output, Plan plan, Plan sequential, ModelCosts model)
    {
        output.WriteLine($"Plan: {string.Join(" -> ", plan.Path)}");
        output.WriteLine($"Mini-batch {plan.BatchSize} in {plan.MicroBatches} micro-batches of {plan.MicroBatchSize}; " +
                         $"predicted {Seconds(plan.LatencySeconds)} per mini-batch, sequential split learning {Seconds(sequential.LatencySeconds)}: " +
                         $"{Format(sequential.LatencySeconds / plan.LatencySeconds, "0.00")}x faster.");
        foreach (var segment in plan.Segments)
        {
            var names = model.Layers.Skip(segment.FirstLayer).Take(segment.LastLayer - segment.FirstLayer + 1).Select(l => l.Name);
            output.WriteLine($"  segment {segment.Node,-8} layers {segment.FirstLayer}..{segment.LastLayer} ({string.Join(", ", names)})");
        }
        // F and G are the planner's costs of one micro-batch; a newcomer needs the letters spelled out once.
        output.WriteLine("  stages, predicted time of one micro-batch (F forward, G backward; a link carries activations forward, gradients back):");
        for (var i = 0; i < plan.Stages.Count; i++)
        {
            var stage = plan.Stages[i];
            var kind = stage.Kind == StageKind.Link ? "link" : "node";
            var marker = i == plan.BottleneckIndex ? "  <- bottleneck" : "";
            output.WriteLine($"  stage {i} {kind} {stage.Id,-14} F {Milliseconds(stage.ForwardSeconds),10} G {Milliseconds(stage.BackwardSeconds),10}{marker}");
        }
        foreach (var note in plan.Notes) output.WriteLine($"  note: {note}");
    }

    private static string Seconds(double seconds) => Format(seconds, "0.000") + " s";

    private static string Milliseconds(double seconds) => Format(seconds * 1000, "0.000") + " ms";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
