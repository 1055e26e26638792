using System.Text;
using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 1: HopSplit's plan against every baseline of MODEL.md section 10 (sequential, even, two-tier,
/// bottleneck-only), over chains of 3 to 10 hops, over bandwidths from 10 Mbps to 1 Gbps, and on trees and meshes.
/// </summary>
public sealed class BaselineComparison : IExperiment
{
    public string Name => "baselines";

    private sealed record Sweep(string Key, string Axis, bool LogAxis, IReadOnlyList<(double Value, Func<Network> Network)> Points);

    public ReportSection Run(ExperimentContext context)
    {
        var models = context.Quick ? new[] { ModelCatalog.ResNet18, ModelCatalog.DigitNet } : ModelCatalog.AllWithProfiled.ToArray();
        int[] hops = context.Quick ? [3, 4] : [3, 4, 5, 6, 7, 8, 9, 10];
        double[] mbps = context.Quick ? [10, 1000] : [10, 20, 50, 100, 200, 500, 1000];
        var sweeps = new[]
        {
            new Sweep("hops", "hops (chain, 100 Mbps, 10x heterogeneity)", false,
                hops.Select(h => ((double)h, (Func<Network>)(() => NetworkFactory.Chain(h, 1e8)))).ToArray()),
            new Sweep("bandwidth", "link bandwidth, Mbps (5-hop chain, 10x heterogeneity)", true,
                mbps.Select(m => (m, (Func<Network>)(() => NetworkFactory.Chain(5, m * 1e6)))).ToArray()),
        };

        var body = new StringBuilder();
        body.Append("""
            Every model is planned by HopSplit (bottleneck-aware shortest path alternated with the closed-form
            micro-batch size) and by each baseline of MODEL.md section 10; the table gives T (MODEL.md section 5,
            seconds per mini-batch). Chains: the device, intermediate edge nodes and a cloud node, with compute speed
            growing geometrically from 200 GFLOP/s at the device to 10x that at the cloud, 2 ms link latency and
            2 ms overhead per compute pass; B = 32 (64 for DigitNet). Sequential is the no-pipelining baseline
            (b = B, optimal min-sum placement); even, two-tier and bottleneck-only choose their own b like HopSplit.

            """);
        var summary = new ResultTable("model", "costs", "sweep", "points", "speedup vs sequential (geo-mean)", "min", "max",
            "even / hopsplit", "two-tier / hopsplit", "bottleneck / hopsplit", "points where a baseline ties (within 0.1%)");
        var details = new StringBuilder();
        foreach (var sweep in sweeps)
        {
            foreach (var model in models)
            {
                var table = new ResultTable(sweep.Key, "hopsplit_s", "sequential_s", "even_s", "two_tier_s", "bottleneck_s", "speedup_vs_sequential", "hopsplit_plan");
                var series = PlanRunner.Compared.Skip(1).Select(a => new List<double>()).ToArray();
                var ties = 0;
                foreach (var (value, network) in sweep.Points)
                {
                    var net = network();
                    var plans = PlanRunner.Compared.Select(a => PlanRunner.TryPlan(model, net, a)).ToArray();
                    var t = plans.Select(PlanRunner.Latency).ToArray();
                    table.Add(value, t[0], t[1], t[2], t[3], t[4], t[1] / t[0], PlanRunner.Describe(plans[0]));
                    for (var k = 1; k < t.Length; k++) series[k - 1].Add(t[k] / t[0]);
                    // A baseline "ties" when it is within 0.1% of HopSplit (none beats it: HopSplit is optimal for T).
                    if (t.Skip(1).Any(x => x <= t[0] * 1.001)) ties++;
                }
                var stem = $"{Name}-{sweep.Key}-{model.Key}";
                var csv = context.WriteCsv(table, stem);
                ReportCharts.Lines(context.PathOf(stem + ".png"), $"{model.Key}: T of each planner over the {sweep.Key} sweep",
                    sweep.Axis, "T (s per mini-batch, log)",
                    PlanRunner.Compared.Select((a, k) => new Series(PlanRunner.Name(a), table.Numbers(0), table.Numbers(k + 1))),
                    logX: sweep.LogAxis, logY: true);
                summary.Add(model.Key, model.Source, sweep.Key, sweep.Points.Count,
                    PlanRunner.GeometricMean(series[0]), series[0].Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min(), series[0].Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
                    PlanRunner.GeometricMean(series[1]), PlanRunner.GeometricMean(series[2]), PlanRunner.GeometricMean(series[3]), $"{ties} of {sweep.Points.Count}");
                // VGG-16 and ResNet-18 plots are shown; the others are inside their collapsed tables.
                var image = context.Image(stem, $"{model.Key} {sweep.Key}");
                var shown = model == ModelCatalog.Vgg16 || model == ModelCatalog.ResNet18;
                if (shown) body.Append(image).Append('\n');
                details.Append($"<details><summary>{model.Key}, {sweep.Key} sweep ({csv})</summary>\n\n{(shown ? "" : image + "\n\n")}{table.ToMarkdown()}\n</details>\n\n");
            }
        }
        body.Append('\n');

        // Trees and meshes: a few seeded instances per model at 100 Mbps.
        var random = context.RandomFor(1);
        var topologies = new ResultTable("model", "network", "hopsplit_s", "sequential_s", "even_s", "two_tier_s", "bottleneck_s", "speedup_vs_sequential", "hopsplit_plan");
        var instances = context.Quick ? 1 : 3;
        foreach (var model in models)
        {
            for (var i = 0; i < instances; i++)
            {
                foreach (var (name, net) in new[] { ($"tree#{i}", NetworkFactory.Tree(random, 1e8)), ($"mesh12#{i}", NetworkFactory.Mesh(random, 12, 1e8)) })
                {
                    var plans = PlanRunner.Compared.Select(a => PlanRunner.TryPlan(model, net, a)).ToArray();
                    var t = plans.Select(PlanRunner.Latency).ToArray();
                    topologies.Add(model.Key, name, t[0], t[1], t[2], t[3], t[4], t[1] / t[0], PlanRunner.Describe(plans[0]));
                }
            }
        }
        var topologyCsv = context.WriteCsv(topologies, $"{Name}-topologies");

        body.Append("Summary (ratios are T of the baseline over T of HopSplit, geometric mean over the sweep's points; > 1 means HopSplit is faster):\n\n");
        body.Append(summary.ToMarkdown()).Append('\n');
        body.Append($"Per-point tables (CSV next to each plot: `{Name}-<sweep>-<model>.csv`):\n\n").Append(details);
        body.Append($"Trees (a cloud, two edge servers, four gateway relays, eight devices; the source is a device) and random 12-node meshes at 100 Mbps ({topologyCsv}; no plot):\n\n");
        body.Append(topologies.ToMarkdown()).Append('\n');
        return new ReportSection("HopSplit against the baselines", body.ToString());
    }
}
