using System.Text;
using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 6: compute heterogeneity from 1x to 100x (fastest node over the device) and memory-tight nodes (every
/// node but the cloud with a fraction of its memory), HopSplit against the baselines on a 5-hop chain at 100 Mbps.
/// </summary>
public sealed class HeterogeneityAndMemory : IExperiment
{
    public string Name => "heterogeneity";

    public ReportSection Run(ExperimentContext context)
    {
        var models = context.Quick ? new[] { ModelCatalog.DigitNet } : new[] { ModelCatalog.Vgg16, ModelCatalog.ResNet18 };
        double[] ratios = context.Quick ? [1, 100] : [1, 2, 5, 10, 20, 50, 100];
        double[] scales = context.Quick ? [1, 0.01] : [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];
        var body = new StringBuilder();
        body.Append("""
            A 5-hop chain at 100 Mbps. Heterogeneity h: node i of the chain computes at 200 GFLOP/s x h^(i/5), so the cloud
            is h times the device. Memory-tight: the device (4 GB) and the edge nodes (16 GB) keep only the given fraction
            of their memory (the cloud keeps 64 GB), with 10x heterogeneity. T in seconds per mini-batch; a dash is a
            planner that finds no plan that fits.

            """);
        body.Append(Sweep(context, models, $"{Name}-compute", "heterogeneity (cloud / device speed)", ratios, true,
            r => NetworkFactory.Chain(5, 1e8, heterogeneity: r)));
        body.Append(Sweep(context, models, "memory-tight", "memory fraction of device and edge nodes", scales, true,
            s => NetworkFactory.Chain(5, 1e8, memoryScale: s)));
        return new ReportSection("Compute heterogeneity and memory-tight nodes", body.ToString());
    }

    private static string Sweep(ExperimentContext context, IEnumerable<ExperimentModel> models, string stem, string axis, double[] values, bool logX, Func<double, Network> network)
    {
        var table = new ResultTable("model", "x", "hopsplit_s", "sequential_s", "even_s", "two_tier_s", "bottleneck_s", "speedup_vs_sequential", "hopsplit_plan");
        var series = new List<Series>();
        foreach (var model in models)
        {
            var speedups = new List<double>();
            foreach (var x in values)
            {
                var plans = PlanRunner.Compared.Select(a => PlanRunner.TryPlan(model, network(x), a)).ToArray();
                var t = plans.Select(PlanRunner.Latency).ToArray();
                table.Add(model.Key, x, t[0], t[1], t[2], t[3], t[4], t[1] / t[0], PlanRunner.Describe(plans[0]));
                speedups.Add(t[1] / t[0]);
            }
            series.Add(new Series($"{model.Key}: hopsplit", values, speedups.ToArray()));
            // The other pipelined planners as speedups over sequential too (columns 4-6 of the table).
            foreach (var k in new[] { 2, 3, 4 })
            {
                var rows = table.Rows.Where(r => r[0] == model.Key).ToArray();
                series.Add(new Series($"{model.Key}: {PlanRunner.Name(PlanRunner.Compared[k])}", values,
                    rows.Select(r => Ratio(r[3], r[k + 2])).ToArray()));
            }
        }
        var csv = context.WriteCsv(table, stem);
        ReportCharts.Lines(context.PathOf(stem + ".png"), $"Speedup over sequential against {axis}", axis + " (log)", "T(sequential) / T(planner)", series, logX: logX);
        return $"{context.Image(stem, stem)}\n\n{csv}:\n\n{table.ToMarkdown()}\n";
    }

    private static double Ratio(string numerator, string denominator) =>
        double.TryParse(numerator, System.Globalization.CultureInfo.InvariantCulture, out var n) && double.TryParse(denominator, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? n / d : double.NaN;
}
