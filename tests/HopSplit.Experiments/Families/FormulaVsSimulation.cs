using System.Text;
using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 4: the planning formula T (MODEL.md section 5) against the discrete-event simulator's makespan for gpipe
/// and 1f1b, and the physical lower bound (section 9), for HopSplit's plans and for fixed micro-batch sizes.
/// </summary>
public sealed class FormulaVsSimulation : IExperiment
{
    public string Name => "formula-vs-simulation";

    public ReportSection Run(ExperimentContext context)
    {
        var random = context.RandomFor(4);
        var models = context.Quick ? new[] { ModelCatalog.DigitNet } : ModelCatalog.AllWithProfiled.ToArray();
        var networks = context.Quick
            ? new[] { ("chain5-100M", NetworkFactory.Chain(5, 1e8)) }
            : new[]
            {
                ("chain5-100M", NetworkFactory.Chain(5, 1e8)),
                ("chain5-1G", NetworkFactory.Chain(5, 1e9)),
                ("chain8-20M", NetworkFactory.Chain(8, 2e7)),
                ("tree-100M", NetworkFactory.Tree(random, 1e8)),
                ("mesh12-100M", NetworkFactory.Mesh(random, 12, 1e8)),
            };
        var table = new ResultTable("model", "network", "b", "M", "stages", "formula_s", "gpipe_s", "one_f_one_b_s", "lower_bound_s",
            "gpipe_over_formula", "one_f_one_b_over_formula", "best_schedule_over_lower_bound");
        foreach (var model in models)
        {
            foreach (var (name, network) in networks)
            {
                // HopSplit's own choice of b, then fixed b = 1 and b = B / 4 (more and fewer micro-batches).
                var optimal = PlanRunner.TryPlan(model, network, PlanningAlgorithm.Bsp);
                if (optimal is null) continue;
                var sizes = new[] { optimal.MicroBatchSize, 1, model.BatchSize / 4 }.Distinct();
                foreach (var b in sizes)
                {
                    var plan = b == optimal.MicroBatchSize ? optimal : PlanRunner.TryPlan(model, network, PlanningAlgorithm.Bsp, b);
                    if (plan is null) continue;
                    // Identical micro-batches, as the formula assumes (MicroBatchSplit would make the last one smaller).
                    var workload = PipelineWorkload.FromPlan(plan);
                    var gpipe = PipelineSimulator.Run(workload, ScheduleKind.GPipe).MakespanSeconds;
                    var oneFOneB = PipelineSimulator.Run(workload, ScheduleKind.OneFOneB).MakespanSeconds;
                    var bound = PipelineLowerBound.Of(workload).Seconds;
                    table.Add(model.Key, name, b, plan.MicroBatches, plan.Stages.Count, plan.LatencySeconds, gpipe, oneFOneB, bound,
                        gpipe / plan.LatencySeconds, oneFOneB / plan.LatencySeconds, Math.Min(gpipe, oneFOneB) / bound);
                }
            }
        }
        var csv = context.WriteCsv(table, Name);
        var index = Enumerable.Range(1, table.Rows.Count).Select(i => (double)i).ToArray();
        var lowerOverFormula = table.Numbers(8).Zip(table.Numbers(5), (l, f) => l / f).ToArray();
        ReportCharts.Lines(context.PathOf(Name + ".png"), "Simulated makespan and lower bound, relative to the formula T", "plan (row of the CSV)", "seconds / formula T",
            [new Series("gpipe (simulated)", index, table.Numbers(9)), new Series("1f1b (simulated)", index, table.Numbers(10)), new Series("lower bound", index, lowerOverFormula)]);

        var g = table.Numbers(9);
        var o = table.Numbers(10);
        var lb = table.Numbers(11);
        var body = new StringBuilder();
        body.Append($"""
            For every model on five networks (chains of 5 hops at 100 Mbps and 1 Gbps, 8 hops at 20 Mbps, the tree and a
            12-node mesh at 100 Mbps), HopSplit's plan at its own b and the optimal plans for b = 1 and b = B/4 are
            simulated (each node and link serves one task at a time; micro-batches identical, as the formula assumes).
            The lower bound is PipelineLowerBound (one micro-batch's round trip, or one stage's work plus the fastest
            way to reach it and back).

            {context.Image(Name, "formula vs simulation")}

            Over {table.Rows.Count} plans: gpipe / formula between {Min(g):F3} and {Max(g):F3} (median {PlanRunner.Median(g):F3});
            1f1b / formula between {Min(o):F3} and {Max(o):F3} (median {PlanRunner.Median(o):F3}); the better schedule is
            within {100 * (Max(lb) - 1):F1}% of the lower bound at worst (median {100 * (PlanRunner.Median(lb) - 1):F2}%).

            <details><summary>Every plan ({csv})</summary>

            {table.ToMarkdown()}
            </details>
            """);
        return new ReportSection("Formula against simulated makespan and the lower bound", body.ToString());
    }

    private static double Min(double[] values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
    private static double Max(double[] values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
}
