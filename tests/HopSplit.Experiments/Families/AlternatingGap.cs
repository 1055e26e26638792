using System.Text;
using HopSplit.Experiments.Output;
using HopSplit.Planning.Solver;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 2: the alternating algorithm (MODEL.md section 8) against the exact joint optimum (MSP for every
/// distinct number of micro-batches), over many seeded random instances. Both the paper's alternation from b = B
/// and HopSplit's default (from b = B and from b = 1, the better) are measured.
/// </summary>
public sealed class AlternatingGap : IExperiment
{
    public string Name => "alternating-gap";

    public ReportSection Run(ExperimentContext context)
    {
        var random = context.RandomFor(2);
        var count = context.Quick ? 8 : 300;
        var table = new ResultTable("instance", "model", "network", "mbps", "heterogeneity", "batch", "exact_s", "exact_b",
            "alternating_s", "alternating_b", "gap_percent", "from_B_only_s", "from_B_only_gap_percent");
        var gaps = new List<double>();
        var fromBGaps = new List<double>();
        var infeasible = 0;
        for (var i = 0; i < count; i++)
        {
            var instance = RandomInstances.Draw(random);
            var solver = new MspSolver(instance.Problem);
            var exact = JointOptimizer.Exact(solver);
            if (exact is null)
            {
                infeasible++;
                continue;
            }
            var both = JointOptimizer.AlternateFromBothEnds(solver)!;
            var fromB = JointOptimizer.Alternate(solver)!;
            var gap = 100 * (both.Latency / exact.Latency - 1);
            var gapB = 100 * (fromB.Latency / exact.Latency - 1);
            gaps.Add(gap);
            fromBGaps.Add(gapB);
            table.Add(i, instance.Model, instance.Network, instance.Mbps, instance.Heterogeneity, instance.BatchSize,
                exact.Latency, exact.MicroBatchSize, both.Latency, both.MicroBatchSize, gap, fromB.Latency, gapB);
        }
        var csv = context.WriteCsv(table, Name);
        ReportCharts.Lines(context.PathOf(Name + ".png"), "Alternating vs exact joint optimum: share of instances within a gap",
            "gap above the exact optimum (%)", "share of instances", [Cdf("alternating from b = B and b = 1 (default)", gaps), Cdf("alternating from b = B only (paper)", fromBGaps)]);

        var summary = new ResultTable("variant", "instances", "exactly optimal (gap < 1e-6 %)", "median gap %", "90th percentile %", "99th percentile %", "max gap %");
        foreach (var (name, list) in new[] { ("from b = B and b = 1 (default)", gaps), ("from b = B only (paper)", fromBGaps) })
        {
            summary.Add(name, list.Count, $"{list.Count(g => g < 1e-6)} ({100.0 * list.Count(g => g < 1e-6) / Math.Max(1, list.Count):F1}%)",
                PlanRunner.Median(list), Percentile(list, 0.9), Percentile(list, 0.99), list.DefaultIfEmpty(double.NaN).Max());
        }
        var body = new StringBuilder();
        body.Append($"""
            {count} seeded random instances (a real model or a synthetic CNN of 8-40 layers; a chain of 3-10 hops, the tree
            or a mesh of 6-16 nodes; bandwidth 10 Mbps-1 Gbps and heterogeneity 1x-100x, log-uniform; B of 16, 32 or 64);
            {infeasible} had no feasible plan and are left out. The exact joint optimum solves MSP for the smallest b of every
            distinct M = ceil(B / b) (JointOptimizer.Exact). Gap = T(alternating) / T(exact) - 1.

            {context.Image(Name, "gap distribution")}

            {summary.ToMarkdown()}
            Every instance is in {csv}.
            """);
        return new ReportSection("Alternating optimization against the exact joint optimum", body.ToString());
    }

    private static Series Cdf(string name, List<double> gaps)
    {
        var sorted = gaps.OrderBy(g => g).ToArray();
        return new Series(name, sorted, sorted.Select((_, i) => (i + 1.0) / sorted.Length).ToArray());
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
