using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace HopSplit.Cli.Rendering;

/// <summary>
/// What `hopsplit train` shows while the application's entry point plans and trains: the plan, a progress bar on
/// a terminal (plain lines otherwise, nothing with --json), then the report; with --json one object at the end.
/// </summary>
internal sealed class TrainingView(TextWriter output, bool json, int steps)
{
    private readonly IAnsiConsole _console = Consoles.For(output);
    private readonly bool _interactive = output == Console.Out && !Console.IsOutputRedirected;
    private JsonNode? _plan;
    private JsonNode? _report;
    private ProgressTask? _bar;

    /// <summary>Runs <paramref name="work"/> (the entry point) under the progress display, then prints the JSON if asked.</summary>
    public int Run(Func<int> work)
    {
        var code = ExitCodes.Success;
        if (_interactive && !json)
        {
            _console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    _bar = context.AddTask("planning", maxValue: steps);
                    code = work();
                });
        }
        else
        {
            code = work();
        }
        if (code == ExitCodes.Success && json)
            output.WriteLine(new JsonObject { ["plan"] = _plan?.DeepClone(), ["training"] = _report?.DeepClone() }.ToJsonString(JsonOutput.Options));
        return code;
    }

    /// <summary>The entry point's plan, as JSON text.</summary>
    public Action<string> Planned => text =>
    {
        _plan = JsonNode.Parse(text);
        if (json) return;
        var plan = _plan!;
        _console.MarkupLine($"[bold]Plan[/] for {Markup.Escape(Text(plan, "model"))} on data {Markup.Escape(Text(plan, "data"))}: " +
                            Markup.Escape(string.Join(" -> ", plan["path"]!.AsArray().Select(p => p!.GetValue<string>()))));
        _console.MarkupLine(
            $"Mini-batch {plan["batchSize"]} in [bold]{plan["microBatches"]}[/] micro-batches of [bold]{plan["microBatchSize"]}[/], " +
            $"{Text(plan, "schedule")}; predicted {Ms(plan["formulaSeconds"])} per step (simulated {Ms(plan["simulatedSeconds"])}).");
        var segments = new Table().AddColumns("Node", "Layers", "Names");
        foreach (var segment in plan["segments"]!.AsArray())
            segments.AddRow(Markup.Escape(Text(segment!, "node")), $"{segment!["firstLayer"]}..{segment["lastLayer"]}", Markup.Escape(Text(segment, "layers")));
        _console.Write(segments);
        _bar?.Description("training");
    };

    /// <summary>Step <c>k</c> (1-based) of the run finished with this loss.</summary>
    public Action<int, double> Stepped => (step, loss) =>
    {
        if (json) return;
        var text = $"step {step}/{steps}: loss {loss.ToString("F4", CultureInfo.InvariantCulture)}";
        if (_bar is { } bar)
        {
            bar.Value = step;
            bar.Description(text);
        }
        else if (step == 1 || step == steps || step % Math.Max(1, steps / 10) == 0)
        {
            output.WriteLine(text);
            output.Flush();
        }
    };

    /// <summary>The entry point's report, as JSON text.</summary>
    public Action<string> Finished => text =>
    {
        _report = JsonNode.Parse(text);
        if (json) return;
        var report = _report!;
        var remote = Text(report, "mode") == "workers";
        _console.WriteLine();
        var routing = report["routing"]?.GetValue<string>() == "direct" ? ", the workers sending to each other (direct routing)" : ", the coordinator relaying";
        _console.MarkupLine($"Trained {report["steps"]} steps{(remote ? $" on {report["workers"]!.AsArray().Count} worker(s){routing}" : "")}: " +
                            $"loss {Number(report["firstLoss"], "F4")} -> [bold]{Number(report["finalLoss"], "F4")}[/].");
        if (report["testAccuracy"] is { } accuracy)
            _console.MarkupLine($"Test accuracy: [bold]{(accuracy.GetValue<double>() * 100).ToString("F1", CultureInfo.InvariantCulture)}%[/] on {report["testSamples"]} held-out samples.");
        else
            _console.MarkupLine("Test accuracy: the data has no test set.");
        if (remote) WriteRemote(report);
        else WriteInProcess(report);
    };

    private void WriteInProcess(JsonNode report)
    {
        _console.MarkupLine(
            $"Step time (median of {report["measuredSteps"]} steps after the first): measured [bold]{Ms(report["measuredSeconds"])}[/], " +
            $"simulated {Ms(report["simulatedSeconds"])} ({Number(report["measuredOverSimulated"], "F3")}x), planner's formula {Ms(report["formulaSeconds"])}; " +
            $"wall {Ms(report["measuredWallSeconds"])} with the optimizer steps.");
        var stages = new Table().Title("Stages: one micro-batch's forward (F) and backward (G), and busy time per step")
            .AddColumns("Stage", "F model", "F measured", "G model", "G measured", "Busy simulated", "Busy measured");
        foreach (var stage in report["stages"]!.AsArray())
        {
            stages.AddRow(Markup.Escape(Text(stage!, "stage")), Ms(stage!["modeledForwardSeconds"]), Ms(stage["measuredForwardSeconds"]),
                Ms(stage["modeledBackwardSeconds"]), Ms(stage["measuredBackwardSeconds"]), Ms(stage["simulatedBusySeconds"]), Ms(stage["measuredBusySeconds"]));
        }
        _console.Write(stages);
        var overran = report["overranTasks"]!.GetValue<int>();
        if (overran > 0)
            _console.MarkupLine($"[yellow]{overran} of {report["computeTasks"]} compute tasks took longer on this machine than on the emulated device: the measured times say more about this machine than the plan.[/]");
    }

    private void WriteRemote(JsonNode report)
    {
        var workers = new Table().AddColumns("Node", "Layers", "Worker");
        foreach (var worker in report["workers"]!.AsArray())
            workers.AddRow(Markup.Escape(Text(worker!, "node")), $"{worker!["firstLayer"]}..{worker["lastLayer"]}", Markup.Escape(Text(worker, "address")));
        _console.Write(workers);
        _console.MarkupLine(
            $"Step time (median of {report["measuredSteps"]} steps after the first, wall time on the coordinator): [bold]{Ms(report["measuredWallSeconds"])}[/]; " +
            $"the emulated network would take {Ms(report["simulatedSeconds"])} (simulated; between processes links are not emulated, frames cross the real network).");
    }

    private static string Text(JsonNode node, string name) => node[name]?.GetValue<string>() ?? "";

    private static string Number(JsonNode? node, string format) => node is null ? "-" : node.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);

    private static string Ms(JsonNode? seconds) => seconds is null ? "-" : PlanTable.Milliseconds(seconds.GetValue<double>());
}
