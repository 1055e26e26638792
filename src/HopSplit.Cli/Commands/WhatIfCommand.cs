using System.CommandLine;
using System.Globalization;
using HopSplit.Cli.Rendering;
using HopSplit.Planning.Json;
using HopSplit.Planning.WhatIf;
using Spectre.Console;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit what-if`: sweeps one link's bandwidth or one node's speed over a range of factors, plans at each,
/// and shows where the optimal plan changes.
/// </summary>
internal static class WhatIfCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var inputs = new PlanningInputs();
        var link = new Option<string?>("--link", "-l")
        {
            Description = "Sweep this link's bandwidth, given by its end nodes: FROM:TO (FROM->TO also works).",
        };
        var node = new Option<string?>("--node") { Description = "Sweep this node's compute speed (FLOP/s)." };
        var from = new Option<double>("--from") { Description = "The smallest factor applied to the quantity.", DefaultValueFactory = _ => 0.1 };
        var to = new Option<double>("--to") { Description = "The largest factor applied to the quantity.", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Points of the sweep, spaced evenly on a log scale.", DefaultValueFactory = _ => 13 };
        var command = new Command("what-if",
            "Sweep one link's bandwidth (--link) or one node's speed (--node) from --from to --to times its value, plan at " +
            "every point, and show the predicted time and where the optimal plan (split, placement, route, micro-batch size) changes.");
        inputs.AddTo(command);
        foreach (var option in new Option[] { link, node, from, to, steps }) command.Options.Add(option);
        command.SetAction(parse => CommandErrors.Run(output, error, parse.GetValue(inputs.Json), () =>
        {
            var (problem, options) = inputs.Read(parse);
            var target = Target(problem.Network, parse.GetValue(link), parse.GetValue(node));
            IReadOnlyList<double> factors;
            try
            {
                factors = WhatIfSweep.LogFactors(parse.GetValue(from), parse.GetValue(to), parse.GetValue(steps));
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException("--from/--to/--steps", [e.Message]);
            }
            var points = WhatIfSweep.Run(problem, target, factors, options);
            var quantity = target.Describe(problem.Network);
            if (parse.GetValue(inputs.Json))
            {
                output.WriteLine(JsonOutput.Serialize(new
                {
                    swept = quantity,
                    points = points.Select(p => new
                    {
                        factor = p.Factor,
                        value = p.Value,
                        latencySeconds = p.Plan?.LatencySeconds,
                        sequentialSeconds = p.SequentialSeconds,
                        microBatchSize = p.Plan?.MicroBatchSize,
                        path = p.Plan?.Path,
                        segments = p.Plan?.Segments.Select(s => new { node = s.Node, firstLayer = s.FirstLayer, lastLayer = s.LastLayer }),
                        planChanged = p.PlanChanged,
                        infeasible = p.Infeasible,
                    }),
                }));
                return ExitCodes.Success;
            }
            Write(Consoles.For(output), quantity, target.Quantity, points);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static SweepTarget Target(HopSplit.Planning.Model.Network network, string? link, string? node)
    {
        if ((link is null) == (node is null))
            throw new InvalidInputException("what-if", ["give exactly one of --link FROM:TO or --node ID"]);
        try
        {
            if (node is not null) return SweepTarget.Node(network, node);
            var ends = link!.Contains("->", StringComparison.Ordinal) ? link.Split("->") : link.Split(':');
            if (ends.Length != 2 || ends.Any(string.IsNullOrWhiteSpace))
                throw new ArgumentException($"'{link}' is not FROM:TO");
            return SweepTarget.Link(network, ends[0], ends[1]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(link is not null ? "--link" : "--node", [e.Message]);
        }
    }

    /// <summary>1.5e9 "bit/s" is "1.5 Gbit/s": the largest prefix that keeps the number at least 1.</summary>
    private static string Scaled(double value, string unit)
    {
        var (divisor, prefix) = value switch
        {
            >= 1e12 => (1e12, "T"),
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e3 => (1e3, "k"),
            _ => (1.0, ""),
        };
        return (value / divisor).ToString("0.##", CultureInfo.InvariantCulture) + " " + prefix + unit;
    }

    private static void Write(IAnsiConsole console, string quantity, SweptQuantity kind, IReadOnlyList<SweepPoint> points)
    {
        string Value(double v) => kind == SweptQuantity.LinkBandwidth ? Scaled(v, "bit/s") : Scaled(v, "FLOP/s");
        var table = new Table().Title($"What if the {Markup.Escape(quantity)} changed").AddColumns("Factor", "Value", "T", "Sequential", "Speedup", "b", "Segments", "");
        foreach (var p in points)
        {
            var factor = p.Factor.ToString("0.###", CultureInfo.InvariantCulture) + "x";
            if (p.Plan is null)
            {
                table.AddRow(factor, Value(p.Value), "[red]infeasible[/]", "-", "-", "-", "-", p.PlanChanged ? "[yellow]<- plan changes[/]" : "");
                continue;
            }
            var speedup = (p.SequentialSeconds!.Value / p.Plan.LatencySeconds).ToString("0.00", CultureInfo.InvariantCulture) + "x";
            table.AddRow(factor, Value(p.Value), PlanTable.Seconds(p.Plan.LatencySeconds), PlanTable.Seconds(p.SequentialSeconds.Value), speedup,
                p.Plan.MicroBatchSize.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Segments), p.PlanChanged ? "[yellow]<- plan changes[/]" : "");
        }
        console.Write(table);
        var changes = points.Count(p => p.PlanChanged);
        console.WriteLine(changes == 0
            ? "The optimal plan is the same over the whole range."
            : $"The optimal plan changes {changes} time{(changes == 1 ? "" : "s")} over the range (rows marked).");
    }
}
