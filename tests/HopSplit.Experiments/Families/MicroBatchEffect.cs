using System.Text;
using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Experiments.Output;
using HopSplit.Planning.Baselines;
using HopSplit.Planning.Costs;
using HopSplit.Planning.MicroBatch;
using HopSplit.Planning.Model;
using HopSplit.Planning.Solver;

namespace HopSplit.Experiments.Families;

/// <summary>
/// Family 5: the effect of the micro-batch size. For each network, T(b) of the optimal plan for every b = 1..B
/// (MSP solved at each b), T(b) of the jointly optimal plan kept fixed, and the closed-form b* of section 8 marked.
/// </summary>
public sealed class MicroBatchEffect : IExperiment
{
    private const int Batch = 64;

    public string Name => "micro-batch";

    public ReportSection Run(ExperimentContext context)
    {
        var random = context.RandomFor(5);
        var models = context.Quick ? new[] { ModelCatalog.DigitNet } : new[] { ModelCatalog.ResNet18, ModelCatalog.Vgg16Measured };
        var networks = context.Quick
            ? new[] { ("chain5-100M", NetworkFactory.Chain(5, 1e8)) }
            : new[]
            {
                ("chain5-10M", NetworkFactory.Chain(5, 1e7)),
                ("chain5-100M", NetworkFactory.Chain(5, 1e8)),
                ("chain5-1G", NetworkFactory.Chain(5, 1e9)),
                ("tree-100M", NetworkFactory.Tree(random, 1e8)),
            };
        var summary = new ResultTable("model", "network", "chosen_b", "closed_form_b_star", "M", "T_chosen_s", "T_b1_s", "T_bB_s", "speedup_vs_b_eq_B");
        var body = new StringBuilder();
        body.Append($"""
            B = {Batch}. For each network, the optimal plan is solved at every b = 1..B and its T(b) divided by T at b = B
            (one micro-batch: sequential); one line per network. The diamond marks the closed-form
            b* = sqrt(B beta* / (sum(alpha) - alpha*)) of the jointly optimal plan (MODEL.md section 8, real-valued,
            before the integer search around it), at the height of that plan's T(round(b*)).

            """);
        foreach (var model in models)
        {
            var curves = new ResultTable("network", "b", "M", "T_optimal_plan_s", "T_joint_plan_fixed_s", "T_over_T_at_B");
            var series = new List<Series>();
            var marks = new List<(double, double, string)>();
            foreach (var (name, network) in networks)
            {
                var problem = new PlanningProblem(model.Costs, network, new TrainingJob(Batch));
                var solver = new MspSolver(problem);
                var joint = JointOptimizer.AlternateFromBothEnds(solver);
                if (joint is null) continue;
                var atB = solver.Solve(Batch)!.Latency;
                var xs = new List<double>();
                var ys = new List<double>();
                for (var b = 1; b <= Batch; b++)
                {
                    var best = solver.Solve(b)!.Latency;
                    var fixedPlan = ExhaustivePlanner.Latency(problem, joint.Shape, b);
                    curves.Add(name, b, problem.MicroBatches(b), best, fixedPlan, best / atB);
                    xs.Add(b);
                    ys.Add(best / atB);
                }
                series.Add(new Series(name, xs.ToArray(), ys.ToArray()));
                var choice = MicroBatchOptimizer.Optimize(problem, joint.Shape);
                var star = Math.Clamp(choice.ClosedForm, 1, Batch);
                var starT = ExhaustivePlanner.Latency(problem, joint.Shape, (int)Math.Clamp(Math.Round(star), 1, Batch)) / atB;
                marks.Add((star, starT, marks.Count == 0 ? "closed-form b*" : ""));
                summary.Add(model.Key, name, joint.MicroBatchSize, choice.ClosedForm, problem.MicroBatches(joint.MicroBatchSize), joint.Latency,
                    solver.Solve(1)!.Latency, atB, atB / joint.Latency);
            }
            var stem = $"{Name}-{model.Key}";
            var csv = context.WriteCsv(curves, stem);
            ReportCharts.Lines(context.PathOf(stem + ".png"), $"{model.Key}: T(b) of the optimal plan, relative to b = B", "micro-batch size b (log)", "T(b) / T(B)",
                series, logX: true, marks: marks);
            body.Append(context.Image(stem, $"T(b) {model.Key}")).Append($" ({csv})\n\n");
        }
        var summaryCsv = context.WriteCsv(summary, Name);
        body.Append($"The chosen b, the closed form and the gain over b = B ({summaryCsv}):\n\n").Append(summary.ToMarkdown());
        return new ReportSection("Effect of the micro-batch size", body.ToString());
    }
}
