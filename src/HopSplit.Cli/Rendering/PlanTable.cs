using System.Globalization;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using Spectre.Console;

namespace HopSplit.Cli.Rendering;

/// <summary>The plan as a person reads it: where each layer runs, what each stage costs, what limits the pipeline.</summary>
internal static class PlanTable
{
    public static void Write(IAnsiConsole console, PlanReport report, ModelCosts model)
    {
        var plan = report.Plan;
        console.MarkupLine($"[bold]Plan[/] ({plan.Algorithm}): {Markup.Escape(string.Join(" -> ", plan.Path))}");
        console.MarkupLine(
            $"Mini-batch {plan.BatchSize} in [bold]{plan.MicroBatches}[/] micro-batches of [bold]{plan.MicroBatchSize}[/]; " +
            $"predicted [bold]{Seconds(plan.LatencySeconds)}[/] per mini-batch.");
        if (report.Sequential is { } sequential && report.Speedup is { } speedup)
        {
            console.MarkupLine(
                $"Sequential split learning (no pipelining, b = {sequential.MicroBatchSize}) takes {Seconds(sequential.LatencySeconds)}: " +
                $"[bold]{speedup.ToString("0.00", CultureInfo.InvariantCulture)}x[/] faster.");
        }
        console.WriteLine();

        var segments = new Table().Title("Segments").AddColumns("Node", "Layers", "Names", "Memory used", "Memory available");
        foreach (var segment in plan.Segments)
        {
            var names = model.Layers.Skip(segment.FirstLayer).Take(segment.LastLayer - segment.FirstLayer + 1).Select(l => l.Name);
            segments.AddRow(
                Markup.Escape(segment.Node),
                $"{segment.FirstLayer}..{segment.LastLayer}",
                Markup.Escape(Abbreviate(names)),
                Bytes(segment.MemoryBytes),
                Bytes(segment.MemoryAvailableBytes));
        }
        console.Write(segments);

        var stages = new Table().Title("Stages (one micro-batch)").AddColumns("#", "Stage", "Carries", "Forward", "Backward", "Stage cost");
        for (var i = 0; i < plan.Stages.Count; i++)
        {
            var stage = plan.Stages[i];
            var carries = stage.Kind == StageKind.Compute
                ? $"layers {stage.FirstLayer}..{stage.LastLayer}"
                : $"cut after layer {stage.LastLayer}";
            var cost = Milliseconds(stage.CostSeconds);
            if (i == plan.BottleneckIndex) cost = $"[bold yellow]{cost} bottleneck[/]";
            stages.AddRow(i.ToString(CultureInfo.InvariantCulture), Markup.Escape(stage.Id), carries,
                Milliseconds(stage.ForwardSeconds), Milliseconds(stage.BackwardSeconds), cost);
        }
        console.Write(stages);
        foreach (var note in plan.Notes) console.MarkupLine($"[grey]note: {Markup.Escape(note)}[/]");
    }

    public static string Seconds(double seconds) => seconds.ToString("0.000000", CultureInfo.InvariantCulture) + " s";

    public static string Milliseconds(double seconds) => (seconds * 1000).ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return bytes.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static string Abbreviate(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 3 ? string.Join(", ", list) : $"{list[0]}, {list[1]}, ... {list[^1]}";
    }
}
