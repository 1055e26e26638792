using System.Text;
using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 7: bandwidth that fluctuates per iteration. Every link's bandwidth is drawn per iteration as its mean times
/// a log-normal factor of mean 1; the plan made once for the mean bandwidths is evaluated under each draw, against
/// re-planning every iteration with the drawn bandwidths known (an oracle) and against sequential split learning.
/// </summary>
public sealed class FluctuatingBandwidth : IExperiment
{
    public string Name => "fluctuating-bandwidth";

    public ReportSection Run(ExperimentContext context)
    {
        var random = context.RandomFor(7);
        var iterations = context.Quick ? 5 : 100;
        var models = context.Quick ? new[] { ModelCatalog.DigitNet } : new[] { ModelCatalog.Vgg16, ModelCatalog.ResNet18 };
        double[] sigmas = context.Quick ? [0.5] : [0.25, 0.5, 1.0];
        var networks = context.Quick
            ? new[] { ("chain5-100M", NetworkFactory.Chain(5, 1e8)) }
            : new[] { ("chain5-100M", NetworkFactory.Chain(5, 1e8)), ("chain5-20M", NetworkFactory.Chain(5, 2e7)), ("tree-100M", NetworkFactory.Tree(random, 1e8)) };
        var table = new ResultTable("model", "network", "sigma", "iterations", "static_plan_mean_s", "replanned_mean_s", "static_regret_percent",
            "worst_iteration_regret_percent", "sequential_static_mean_s", "plan_changed_share");
        var series = new List<Series>();
        foreach (var model in models)
        {
            foreach (var (name, network) in networks)
            {
                var job = new TrainingJob(model.BatchSize);
                var planned = PlanRunner.TryPlan(model, network, PlanningAlgorithm.Bsp);
                var sequential = PlanRunner.TryPlan(model, network, PlanningAlgorithm.Sequential);
                if (planned is null || sequential is null) continue;
                var regrets = new List<double>();
                foreach (var sigma in sigmas)
                {
                    double staticSum = 0, replannedSum = 0, sequentialSum = 0, worst = 0;
                    var changed = 0;
                    for (var i = 0; i < iterations; i++)
                    {
                        var factors = network.Links.Select(_ => LogNormalFactor(random, sigma)).ToArray();
                        var drawn = new PlanningProblem(model.Costs, NetworkFactory.WithBandwidthFactors(network, factors), job);
                        var staticT = Objective.Latency(drawn, planned.Shape, planned.MicroBatchSize);
                        var replanned = Planner.Plan(drawn, new PlannerOptions());
                        staticSum += staticT;
                        replannedSum += replanned.LatencySeconds;
                        sequentialSum += Objective.Latency(drawn, sequential.Shape, sequential.MicroBatchSize);
                        worst = Math.Max(worst, staticT / replanned.LatencySeconds - 1);
                        if (!replanned.Shape.Equals(planned.Shape) || replanned.MicroBatchSize != planned.MicroBatchSize) changed++;
                    }
                    var regret = 100 * (staticSum / replannedSum - 1);
                    regrets.Add(regret);
                    table.Add(model.Key, name, sigma, iterations, staticSum / iterations, replannedSum / iterations, regret, 100 * worst,
                        sequentialSum / iterations, (double)changed / iterations);
                }
                series.Add(new Series($"{model.Key} {name}", sigmas, regrets.ToArray()));
            }
        }
        var csv = context.WriteCsv(table, Name);
        ReportCharts.Lines(context.PathOf(Name + ".png"), "Static plan under fluctuating bandwidth: mean T above re-planning every iteration",
            "sigma of log(bandwidth factor)", "regret (%)", series);
        var body = new StringBuilder();
        body.Append($"""
            Each iteration draws every link's bandwidth as mean x exp(sigma z - sigma^2 / 2), z standard normal (a factor of
            mean 1, independent per link and iteration), {iterations} iterations per row. "Static" is HopSplit's plan for the
            mean bandwidths, evaluated with T under each draw; "replanned" is the optimal plan for each draw (an oracle that
            knows the iteration's bandwidth in advance: a bound on what adaptive re-planning could gain). Regret = mean static
            T / mean replanned T - 1. "plan changed" is the share of iterations whose optimal plan or b differs from the static one.

            {context.Image(Name, "fluctuating bandwidth")}

            {csv}:

            {table.ToMarkdown()}
            """);
        return new ReportSection("Fluctuating bandwidth", body.ToString());
    }

    /// <summary>exp(sigma z - sigma^2 / 2) with z standard normal (Box-Muller): log-normal with mean 1.</summary>
    private static double LogNormalFactor(Random random, double sigma)
    {
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Exp(sigma * z - sigma * sigma / 2);
    }
}
