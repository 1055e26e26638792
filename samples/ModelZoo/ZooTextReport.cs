using System.Globalization;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Spectre.Console;

namespace HopSplit.Samples.ModelZoo;

/// <summary>Writes a <see cref="ZooAnalysis"/> for people: the model summary, the network, the plan and its stages,
/// and the planning formula against the simulated schedules and the lower bound.</summary>
public static class ZooTextReport
{
    public static void Write(IAnsiConsole console, ZooAnalysis analysis)
    {
        WriteModel(console, analysis.Model);
        console.WriteLine();
        WriteNetwork(console, analysis.Network);
        console.WriteLine();
        WritePlan(console, analysis);
        console.WriteLine();
        WriteSimulation(console, analysis);
    }

    /// <summary>The model line the report starts with, e.g. "VGG-16: 39 layers, 138,357,544 parameters, ...".</summary>
    public static string ModelLine(ZooModel model) =>
        $"{model.Title}: {model.CostTable.Count} layers, {Count(model.Parameters)} parameters, " +
        $"{Number(model.ForwardFlops / 1e9, "0.00")} GFLOP forward per sample (generated cost table)";

    /// <summary>The plan line, e.g. "Plan (bsp): camera -> ap -> gateway".</summary>
    public static string PlanLine(Plan plan) => $"Plan ({plan.Algorithm}): {string.Join(" -> ", plan.Path)}";

    public static string Seconds(double seconds) => Number(seconds, "0.000") + " s";

    public static string Speedup(double ratio) => Number(ratio, "0.00") + "x";

    private static void WriteModel(IAnsiConsole console, ZooModel model)
    {
        console.WriteLine(ModelLine(model));
        var table = new Table().AddColumns("#", "Layer", "Kind", "Output", "Parameters", "Forward MFLOP", "Source");
        for (var i = 0; i < model.CostTable.Count; i++)
        {
            var row = model.CostTable[i];
            table.AddRow(i.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.Name), Markup.Escape(row.Kind),
                string.Join("x", row.OutputShape), Count(row.Parameters), Number(row.ForwardFlops / 1e6, "0.0"), row.Source.ToString());
        }
        console.Write(table);
    }

    private static void WriteNetwork(IAnsiConsole console, Network network)
    {
        console.WriteLine($"Network: {network.Nodes.Count} nodes, {network.Links.Count} links, data on '{network.Source}'");
        var nodes = new Table().AddColumns("Node", "GFLOP/s", "Memory", "Overhead");
        foreach (var node in network.Nodes)
        {
            nodes.AddRow(Markup.Escape(node.Id), node.IsRelay ? "relay" : Number(node.Flops / 1e9, "0.#"),
                node.IsRelay ? "-" : Number(node.MemoryBytes / (1 << 30), "0.#") + " GiB", Milliseconds(node.OverheadSeconds));
        }
        console.Write(nodes);
        var links = new Table().AddColumns("Link", "Mbit/s", "Latency");
        foreach (var link in network.Links)
            links.AddRow(Markup.Escape($"{link.From} - {link.To}"), Number(link.BitsPerSecond / 1e6, "0.#"), Milliseconds(link.LatencySeconds));
        console.Write(links);
    }

    private static void WritePlan(IAnsiConsole console, ZooAnalysis analysis)
    {
        var plan = analysis.Plan;
        var layers = analysis.Model.Costs.Layers;
        console.WriteLine(PlanLine(plan));
        console.WriteLine($"Mini-batch {plan.BatchSize} in {plan.MicroBatches} micro-batches of {plan.MicroBatchSize}: " +
                          $"predicted {Seconds(plan.LatencySeconds)} per mini-batch.");
        console.WriteLine($"Sequential split learning: {Seconds(analysis.Sequential.LatencySeconds)}; the plan is predicted " +
                          $"{Speedup(analysis.PredictedSpeedup)} faster.");
        var segments = new Table().AddColumns("Node", "Layers", "Memory used", "Memory available");
        foreach (var segment in plan.Segments)
        {
            segments.AddRow(Markup.Escape(segment.Node),
                Markup.Escape($"{segment.FirstLayer}..{segment.LastLayer} ({layers[segment.FirstLayer].Name} .. {layers[segment.LastLayer].Name})"),
                Mebibytes(segment.MemoryBytes), Mebibytes(segment.MemoryAvailableBytes));
        }
        console.Write(segments);
        var stages = new Table().AddColumns("Stage", "Kind", "Resource", "F per micro-batch", "G per micro-batch", "");
        for (var i = 0; i < plan.Stages.Count; i++)
        {
            var stage = plan.Stages[i];
            stages.AddRow(i.ToString(CultureInfo.InvariantCulture), stage.Kind == StageKind.Link ? "link" : "compute", Markup.Escape(stage.Id),
                Milliseconds(stage.ForwardSeconds), Milliseconds(stage.BackwardSeconds), i == plan.BottleneckIndex ? "bottleneck" : "");
        }
        console.Write(stages);
        foreach (var note in plan.Notes) console.WriteLine($"note: {note}");
    }

    private static void WriteSimulation(IAnsiConsole console, ZooAnalysis analysis)
    {
        var table = new Table().Title("Predicted vs simulated (one mini-batch)")
            .AddColumns("Schedule", "Formula T", "Simulated", "Lower bound", "Sequential", "Speedup");
        foreach (var run in analysis.Schedules)
        {
            table.AddRow(ScheduleNames.Name(run.Schedule), Seconds(analysis.Plan.LatencySeconds), Seconds(run.MakespanSeconds),
                Seconds(analysis.LowerBound.Seconds), Seconds(run.SequentialSeconds), Speedup(run.Speedup));
        }
        console.Write(table);
    }

    private static string Count(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Milliseconds(double seconds) => Number(seconds * 1000, "0.000") + " ms";

    private static string Mebibytes(double bytes) => Number(bytes / (1 << 20), "#,0") + " MiB";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
