using System.Diagnostics;
using System.Text;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning;
using HopSplit.Planning.Baselines;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 3: planning time of the bottleneck-aware shortest path against the number of layers and nodes, and
/// against exhaustive search on small instances. Wall-clock medians: the only non-deterministic outputs.
/// </summary>
public sealed class PlanningTime : IExperiment
{
    public string Name => "planning-time";

    public ReportSection Run(ExperimentContext context)
    {
        var repetitions = context.Quick ? 1 : 3;
        var instances = context.Quick ? 1 : 2;
        // JIT warm-up once, so the first point does not pay for compilation.
        PlanRunner.TryPlan(SyntheticModels.Cnn(new Random(0), 8), NetworkFactory.Mesh(new Random(0), 5, 1e8), new TrainingJob(64), PlanningAlgorithm.Bsp, joint: JointMode.Exact);

        // Scaling: synthetic CNNs on random meshes (100 Mbps, 10x heterogeneity), joint planning (alternating and exact).
        // Each sweep stops after the first point whose exact planning takes over BudgetMs (a shared 2-core machine).
        int[] layerCounts = context.Quick ? [5, 10] : [10, 20, 40, 80, 160];
        int[] nodeCounts = context.Quick ? [4, 6] : [4, 8, 12, 16, 24, 32];
        var byLayers = new ResultTable("layers", "nodes", "alternating_ms_median", "exact_ms_median");
        foreach (var layers in layerCounts)
        {
            Console.Error.WriteLine($"  layers {layers}");
            if (Scale(byLayers, context, layers, 8, repetitions, instances) > BudgetMs) break;
        }
        var byNodes = new ResultTable("layers", "nodes", "alternating_ms_median", "exact_ms_median");
        foreach (var nodes in nodeCounts)
        {
            Console.Error.WriteLine($"  nodes {nodes}");
            if (Scale(byNodes, context, 20, nodes, repetitions, instances) > BudgetMs) break;
        }

        // Against exhaustive search: small meshes, one fixed b (exhaustive enumerates every plan for it).
        (int Layers, int Nodes)[] small = context.Quick ? [(4, 4)] : [(6, 4), (8, 5), (10, 6), (12, 7), (14, 8), (16, 9), (18, 10)];
        var versus = new ResultTable("layers", "nodes", "plans_enumerated", "hopsplit_ms_median", "exhaustive_ms_median", "speedup", "same_latency");
        foreach (var (layers, nodes) in small)
        {
            Console.Error.WriteLine($"  exhaustive {layers}x{nodes}");
            var problem = Problem(context, layers, nodes, 0);
            var options = new PlannerOptions(PlanningAlgorithm.Bsp, MicroBatchSize: 4);
            var plan = PlanRunner.TryPlan(problem.Model, problem.Network, problem.Job, PlanningAlgorithm.Bsp, 4);
            var exhaustive = ExhaustivePlanner.Best(problem, 4);
            var fast = Median(repetitions, () => Planner.Plan(problem, options));
            // One timed exhaustive run first: an instance that already takes over the budget is not repeated.
            var clock = Stopwatch.StartNew();
            ExhaustivePlanner.Best(problem, 4);
            var slow = clock.Elapsed.TotalMilliseconds;
            if (slow <= BudgetMs) slow = Median(repetitions, () => ExhaustivePlanner.Best(problem, 4));
            var same = plan is null ? exhaustive.Shape is null : Math.Abs(plan.LatencySeconds - exhaustive.Latency) <= 1e-9 * exhaustive.Latency;
            versus.Add(layers, nodes, exhaustive.Plans, fast, slow, slow / fast, same ? "yes" : "NO");
            if (slow > BudgetMs) break;
        }

        var layersCsv = context.WriteCsv(byLayers, Name + "-layers");
        var nodesCsv = context.WriteCsv(byNodes, Name + "-nodes");
        var versusCsv = context.WriteCsv(versus, Name + "-exhaustive");
        ReportCharts.Lines(context.PathOf(Name + "-layers.png"), "Planning time against model depth (8-node meshes)", "layers (log)", "median ms (log)",
            [Column("alternating (default)", byLayers, 0, 2), Column("exact joint", byLayers, 0, 3)], logX: true, logY: true);
        ReportCharts.Lines(context.PathOf(Name + "-nodes.png"), "Planning time against network size (20 layers)", "nodes (log)", "median ms (log)",
            [Column("alternating (default)", byNodes, 1, 2), Column("exact joint", byNodes, 1, 3)], logX: true, logY: true);
        ReportCharts.Lines(context.PathOf(Name + "-exhaustive.png"), "HopSplit against exhaustive search (b = 4, small meshes)", "plans enumerated (log)", "median ms (log)",
            [Column("hopsplit (b = 4)", versus, 2, 3), Column("exhaustive (b = 4)", versus, 2, 4)], logX: true, logY: true);

        var body = new StringBuilder();
        body.Append($"""
            Wall-clock medians over {repetitions} runs of {instances} seeded instance(s) per point on this machine (2 shared cores,
            Release build): these numbers, and only these, change from run to run. Instances are synthetic CNNs (cheap early
            layers with big activations, expensive late layers with small ones) on random meshes at 100 Mbps (8 nodes for the
            layer sweep, 20 layers for the node sweep); "alternating" is the default joint planner, "exact" solves MSP for every
            distinct number of micro-batches (B = 64). A sweep stops after the first point whose exact planning takes over
            {BudgetMs / 1000:F1} s, to keep the whole run to minutes on a shared machine.

            {context.Image(Name + "-layers", "planning time vs layers")}
            {context.Image(Name + "-nodes", "planning time vs nodes")}
            {context.Image(Name + "-exhaustive", "planning time vs exhaustive")}

            Against the number of layers ({layersCsv}):

            {byLayers.ToMarkdown()}
            Against the number of nodes ({nodesCsv}):

            {byNodes.ToMarkdown()}
            Against exhaustive search for one fixed b = 4 (every plan of MODEL.md section 3 enumerated; {versusCsv}):

            {versus.ToMarkdown()}
            """);
        return new ReportSection("Planning time", body.ToString());
    }

    /// <summary>
    /// The instance of one point, seeded by the seed, its size and its index only: which points run depends on
    /// measured times (the budget), so a shared random stream would make the instances depend on the machine's speed.
    /// </summary>
    private static PlanningProblem Problem(ExperimentContext context, int layers, int nodes, int index)
    {
        var random = context.RandomFor(3_000_000 + layers * 10_000 + nodes * 10 + index);
        return new(SyntheticModels.Cnn(random, layers), NetworkFactory.Mesh(random, nodes, 1e8), new TrainingJob(64));
    }

    private const double BudgetMs = 1500;

    /// <summary>Adds one point (medians over instances of per-instance medians) and returns the exact planner's median.</summary>
    private static double Scale(ResultTable table, ExperimentContext context, int layers, int nodes, int repetitions, int instances)
    {
        var alternating = new List<double>();
        var exact = new List<double>();
        for (var i = 0; i < instances; i++)
        {
            var problem = Problem(context, layers, nodes, i);
            alternating.Add(Median(repetitions, () => PlanRunner.TryPlan(problem.Model, problem.Network, problem.Job, PlanningAlgorithm.Bsp)));
            exact.Add(Median(repetitions, () => PlanRunner.TryPlan(problem.Model, problem.Network, problem.Job, PlanningAlgorithm.Bsp, joint: JointMode.Exact)));
        }
        table.Add(layers, nodes, PlanRunner.Median(alternating), PlanRunner.Median(exact));
        return PlanRunner.Median(exact);
    }

    /// <summary>Median wall-clock milliseconds of an action.</summary>
    private static double Median(int repetitions, Action action)
    {
        var times = new List<double>();
        for (var r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return PlanRunner.Median(times);
    }

    private static Series Column(string name, ResultTable table, int x, int y) => new(name, table.Numbers(x), table.Numbers(y));
}
