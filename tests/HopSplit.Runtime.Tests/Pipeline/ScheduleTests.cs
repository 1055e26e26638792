using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Pipeline;

/// <summary>
/// The emulated pipeline runs the simulator's schedule: the same stages, each serving its tasks in the
/// schedule's order, each task waiting for its dependencies and lasting at least its modeled time. Timing
/// accuracy (within 10% of the simulator) is a benchmark, not a unit test; these checks hold on any machine.
/// </summary>
public class ScheduleTests(ITestOutputHelper output)
{
    // Slow emulated devices and links, so tasks take a few milliseconds: SmallCnn is ~150 kFLOP per sample.
    static PlanningProblem SlowProblem() => Problem(batchSize: 8, flops: 2e8, bitsPerSecond: 2e7);

    [Theory]
    [InlineData(ScheduleKind.GPipe)]
    [InlineData(ScheduleKind.OneFOneB)]
    public void The_measured_timeline_follows_the_schedule_and_never_beats_the_simulator(ScheduleKind schedule)
    {
        var layout = PipelineLayout.From(SlowProblem(), Shapes["a[0..0] b[1..3] via r d[4..6]"], 2);
        using var model = Model(seed: 31);
        using var trainer = PipelineTrainer.Create(model, layout, Options(schedule, NetworkEmulation.Modeled));
        using var scope = torch.NewDisposeScope();
        var (x, y) = Batch(8, seed: 1);

        var result = trainer.Step(x, y);

        var sizes = result.MicroBatchSizes;
        var stageCount = layout.Stages.Count;
        Assert.Equal(2 * stageCount * sizes.Count, result.Tasks.Count);
        // Every stage ran its tasks in the schedule's order, one at a time.
        foreach (var stage in layout.Stages)
        {
            var ran = result.Tasks.Where(t => t.Task.StageIndex == stage.Index).OrderBy(t => t.Task.StartSeconds).ToArray();
            var expected = ScheduleOrder.For(schedule, stage.Index, stageCount, sizes.Count);
            Assert.Equal(expected, ran.Select(t => new PipelineTask(t.Task.Direction, t.Task.MicroBatch)));
            Assert.All(ran, t => Assert.Equal(stage.Id, t.Task.ResourceId));
            for (var i = 1; i < ran.Length; i++) Assert.True(ran[i].Task.StartSeconds >= ran[i - 1].Task.EndSeconds);
        }
        // Every task waited for what it depends on and took at least its modeled time.
        var end = result.Tasks.ToDictionary(t => (t.Task.StageIndex, t.Task.Direction, t.Task.MicroBatch), t => t.Task.EndSeconds);
        foreach (var t in result.Tasks)
        {
            var (s, m) = (t.Task.StageIndex, t.Task.MicroBatch);
            if (t.Task.Direction == TaskDirection.Forward && s > 0)
                Assert.True(t.Task.StartSeconds >= end[(s - 1, TaskDirection.Forward, m)]);
            if (t.Task.Direction == TaskDirection.Backward)
            {
                Assert.True(t.Task.StartSeconds >= end[(s, TaskDirection.Forward, m)]);
                if (s < stageCount - 1) Assert.True(t.Task.StartSeconds >= end[(s + 1, TaskDirection.Backward, m)]);
            }
            Assert.True(t.ModeledSeconds > 0);
            Assert.True(t.Task.DurationSeconds >= t.ModeledSeconds - 1e-9, $"{t.Task} shorter than modeled {t.ModeledSeconds}");
        }
        // Tasks last at least what the simulator gives them and wait for the same things, so the
        // simulator's makespan is a lower bound of the measured one.
        var simulated = layout.Simulate(sizes, schedule);
        Assert.True(result.MakespanSeconds >= simulated.MakespanSeconds * (1 - 1e-9));
        output.WriteLine($"{schedule}: measured {result.MakespanSeconds * 1e3:F2} ms, simulated {simulated.MakespanSeconds * 1e3:F2} ms, wall {result.WallSeconds * 1e3:F2} ms");
    }

    [Fact]
    public void Link_tasks_take_the_real_tensor_size_over_the_bandwidth()
    {
        var layout = PipelineLayout.From(SlowProblem(), Shapes["a[0..1] b[2..6]"], 4);
        using var model = Model(seed: 32);
        using var trainer = PipelineTrainer.Create(model, layout, Options(ScheduleKind.GPipe, NetworkEmulation.Modeled));
        using var scope = torch.NewDisposeScope();
        var (x, y) = Batch(8, seed: 2);

        var result = trainer.Step(x, y);

        // The cut after layer 1 (ReLU) holds 4 x 8 x 8 floats per sample; the link carries 4 samples per task.
        var expected = 4 * (4 * 8 * 8) * 4 * 8 / 2e7;
        var link = result.Tasks.Where(t => t.Task.ResourceId == "a->b").ToArray();
        Assert.Equal(4, link.Length);
        Assert.All(link, t => Assert.Equal(expected, t.ModeledSeconds, 12));
        // The cost table says the same, so the plan's link time is what the runtime emulates.
        Assert.Equal(expected, layout.ModeledTime(layout.Stages[1], 4).Forward, 12);
    }

    [Fact]
    public void The_layout_of_a_planned_job_has_the_simulators_stages()
    {
        var problem = SlowProblem();
        var plan = Planner.Plan(problem, new PlannerOptions());
        var layout = PipelineLayout.From(problem, plan);
        var simulated = PipelineSimulator.Run(plan, ScheduleKind.GPipe);
        Assert.Equal(
            simulated.Resources.Select(r => (r.Kind, r.Id)),
            layout.Stages.Select(s => (s.Kind, s.Id)));
        Assert.Equal(plan.MicroBatchSize, layout.MicroBatchSize);
        Assert.Equal(plan.LatencySeconds, layout.FormulaSeconds(), 12);
    }

    [Fact]
    public void A_model_that_does_not_match_the_cost_table_is_refused_by_name()
    {
        var problem = new PlanningProblem(HandMlp.Costs, SlowProblem().Network, new TrainingJob(8));
        var layout = PipelineLayout.From(problem, new([A], [], [new(A, 0, 2)]), 4);
        using var model = Model(seed: 33);
        var error = Assert.Throws<ArgumentException>(() => PipelineTrainer.Create(model, layout, Options(ScheduleKind.GPipe)));
        Assert.Contains("7 layers", error.Message);
        Assert.Contains("cost table of 3", error.Message);
    }

    [Fact]
    public void A_failing_stage_is_named_and_the_other_stages_stop()
    {
        var layout = PipelineLayout.From(Problem(8), Shapes["a[0..0] b[1..3] via r d[4..6]"], 2);
        using var model = Model(seed: 34);
        var calls = 0;
        var options = new PipelineTrainerOptions
        {
            CreateOptimizer = p => torch.optim.SGD(p, 0.1),
            Loss = (output, labels) => Interlocked.Increment(ref calls) == 3
                ? throw new InvalidOperationException("labels out of range")
                : nn.functional.cross_entropy(output, labels),
        };
        using var trainer = PipelineTrainer.Create(model, layout, options);
        using var scope = torch.NewDisposeScope();
        var (x, y) = Batch(8, seed: 3);

        var error = Assert.Throws<PipelineStageException>(() => trainer.Step(x, y));

        Assert.Equal("d", error.Stage.Id);
        Assert.Equal("node d failed in the backward pass of micro-batch 2: labels out of range", error.Message);
        Assert.Throws<InvalidOperationException>(() => trainer.Step(x, y));
    }

    [Fact]
    public void Wrong_batch_input_is_refused_before_any_stage_runs()
    {
        var layout = PipelineLayout.From(Problem(8), Shapes["a[0..1] b[2..6]"], 4);
        using var model = Model(seed: 35);
        using var trainer = PipelineTrainer.Create(model, layout, Options(ScheduleKind.GPipe));
        using var scope = torch.NewDisposeScope();
        var (x, _) = Batch(8, seed: 4);
        var error = Assert.Throws<ArgumentException>(() => trainer.Step(x, torch.zeros(5, dtype: ScalarType.Int64)));
        Assert.Contains("5 labels for 8 samples", error.Message);
        // The trainer is still usable.
        var (x2, y2) = Batch(8, seed: 5);
        Assert.True(double.IsFinite(trainer.Step(x2, y2).Loss));
    }
}
