using HopSplit.Distributed;
using HopSplit.Distributed.Recovery;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>A worker much slower than the plan assumes makes the trainer re-plan, log why, and move the work away from it.</summary>
public class DriftReplanningTests(ITestOutputHelper output)
{
    const int BatchSize = 12;

    static (Tensor, Tensor) BatchOf(long index) => Batch(BatchSize, seed: 400 + (int)index, ScalarType.Float64);

    [Fact]
    public async Task A_node_far_slower_than_planned_triggers_a_logged_replan_that_moves_work_off_it()
    {
        const int Steps = 6;
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        // d takes 40 ms more per pass than the 2 ms the plan models: 20 times slower.
        await using var d = await StartWorker(computeDelay: TimeSpan.FromMilliseconds(40));
        // Every pass is modeled as 2 ms of overhead (the layers' FLOPs are nothing at 1 TFLOP/s); links cost nothing.
        var problem = new PlanningProblem(SmallCnn.Costs, new Network(
            [new NetworkNode("a", 1e12, 1e12, 0.002), new NetworkNode("b", 1e12, 1e12, 0.002), new NetworkNode("r", 0, 0), new NetworkNode("d", 1e12, 1e12, 0.002)],
            [new NetworkLink("a", "b", 1e12, 0), new NetworkLink("b", "r", 1e12, 0), new NetworkLink("r", "d", 1e12, 0)],
            source: "a"), new TrainingJob(BatchSize));
        var layout = PipelineLayout.From(problem, Shapes["a[0..0] b[1..3] via r d[4..6]"], 4);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        var decisions = new List<TrainingDecision>();
        using var trainer = await ResilientTrainer.StartAsync(new ResilientTrainerOptions
        {
            Problem = problem,
            Trainer = DistributedFixtures.Options(workers, ScheduleKind.OneFOneB),
            Drift = new DriftOptions { Threshold = 5, ConsecutiveSteps = 2, MinimumGain = 0.1 },
            Logger = log.CreateLogger("drift"),
            Decided = decisions.Add,
        }, layout);
        var ratios = new List<string>();
        await trainer.TrainAsync(new BatchSource(BatchOf), Steps,
            (step, result) => ratios.Add($"step {step}: " + string.Join(", ", result.Stages.Select(s => $"{s.Stage.Id} {s.Ratio:F2}"))));
        foreach (var line in ratios.Concat(log.Lines)) output.WriteLine(line);

        var replanned = Assert.Single(decisions, x => x.Kind == DecisionKind.Replanned);
        Assert.Equal(2, replanned.Step); // two drifted steps (0 and 1), then the switch at the step boundary
        Assert.Contains("node d at", replanned.Message);
        Assert.Matches(@"the running plan's T is [0-9.E+-]+ s, the best plan's [0-9.E+-]+ s", replanned.Message);
        Assert.Contains(log.Lines, l => l.StartsWith("Information drift:") && l.Contains("switched to"));
        Assert.DoesNotContain("d", trainer.Layout.ComputeStages.Select(s => s.Id));
        Assert.DoesNotContain(decisions, x => x.Kind == DecisionKind.Recovered);

        // Switching plans goes through a checkpoint: the weights are still those of the in-process run.
        AssertSameWeights(InProcessWeights(layout, Steps, ScheduleKind.OneFOneB, BatchOf), WeightsOf(await trainer.Trainer.GetWeightsAsync()), relative: 1e-9);
    }

    [Fact]
    public async Task A_link_far_slower_than_planned_triggers_a_logged_replan_that_sends_less_over_it()
    {
        const int Steps = 5;
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        // 2 ms a pass on either node; the link is planned at 16 Mbit/s (a micro-batch of 4 cut after layer 1, 4 KiB of
        // float32, takes 2 ms) but emulated at 1.6 Mbit/s, ten times slower.
        var problem = new PlanningProblem(SmallCnn.Costs, new Network(
            [new NetworkNode("a", 1e12, 1e12, 0.002), new NetworkNode("b", 1e12, 1e12, 0.002)],
            [new NetworkLink("a", "b", 16e6, 0)], source: "a"), new TrainingJob(BatchSize));
        var layout = PipelineLayout.From(problem, Shapes["a[0..1] b[2..6]"], 4);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        var decisions = new List<TrainingDecision>();
        using var trainer = await ResilientTrainer.StartAsync(new ResilientTrainerOptions
        {
            Problem = problem,
            Trainer = DistributedFixtures.Options(workers, ScheduleKind.OneFOneB) with
            {
                Routing = FrameRouting.Direct, Emulation = NetworkEmulation.Modeled, EmulatedLinks = [new NetworkLink("a", "b", 1.6e6, 0)],
            },
            Drift = new DriftOptions { Threshold = 5, ConsecutiveSteps = 2, MinimumGain = 0.1 },
            Logger = log.CreateLogger("drift"),
            Decided = decisions.Add,
        }, layout);
        var measured = new List<string>();
        await trainer.TrainAsync(new BatchSource(BatchOf), Steps,
            (step, result) => measured.Add($"step {step}: " + string.Join(", ", result.Paths.Select(p => $"{p.Name} {p.MeasuredBitsPerSecond / 1e6:F2} Mbit/s"))));
        foreach (var line in measured.Concat(log.Lines)) output.WriteLine(line);

        var replanned = Assert.Single(decisions, x => x.Kind == DecisionKind.Replanned);
        Assert.Equal(2, replanned.Step);
        var bandwidth = System.Text.RegularExpressions.Regex.Match(replanned.Message, @"link a->b measured at ([0-9.]+) Mbit/s against 16 Mbit/s planned");
        Assert.True(bandwidth.Success, replanned.Message);
        // Never faster than emulated; slower only by the real calls' time.
        var mbits = double.Parse(bandwidth.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mbits, 0.1, 1.6 * 1.01);
        Assert.Contains(log.Lines, l => l.StartsWith("Information drift:") && l.Contains("link a->b") && l.Contains("switched to"));
        // Less crosses the link: a keeps more layers (after layer 1 the activations shrink: 64, 16 and 3 values a sample
        // against 256), or all of them.
        var first = trainer.Layout.ComputeStages.First();
        Assert.Equal("a", first.Id);
        Assert.True(first.Ref.LastLayer > 1, $"a still ends at layer {first.Ref.LastLayer}");

        AssertSameWeights(InProcessWeights(layout, Steps, ScheduleKind.OneFOneB, BatchOf), WeightsOf(await trainer.Trainer.GetWeightsAsync()), relative: 1e-9);
    }
}
