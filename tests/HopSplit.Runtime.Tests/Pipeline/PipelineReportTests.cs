using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;

namespace HopSplit.Runtime.Tests.Pipeline;

public class PipelineReportTests
{
    static readonly PipelineLayout Layout = PipelineLayout.From(Problem(8, flops: 1e8, bitsPerSecond: 1e7), Shapes["a[0..1] b[2..6]"], 4);

    /// <summary>A step whose timeline is the simulator's stretched by <paramref name="factor"/>, half of each task real work.</summary>
    static StepResult Stretched(double factor, IReadOnlyList<int> sizes)
    {
        var simulated = Layout.Simulate(sizes, ScheduleKind.GPipe);
        var tasks = simulated.Timeline
            .Select(t => new MeasuredTask(t with { StartSeconds = t.StartSeconds * factor, EndSeconds = t.EndSeconds * factor },
                t.DurationSeconds * factor / 2, t.DurationSeconds))
            .ToArray();
        return new StepResult(1.0, simulated.MakespanSeconds * factor, simulated.MakespanSeconds * factor + 0.001, sizes, tasks);
    }

    [Fact]
    public void Medians_compare_full_steps_with_the_simulator_and_the_formula()
    {
        var steps = new[]
        {
            Stretched(1.0, [4, 4]), Stretched(1.2, [4, 4]), Stretched(1.1, [4, 4]),
            Stretched(5.0, [4, 3]), // a smaller last batch: not comparable, left out
        };

        var report = PipelineReport.Build(Layout, ScheduleKind.GPipe, steps);

        Assert.Equal(3, report.Steps);
        Assert.Equal(1.1, report.MeasuredOverSimulated, 9);
        Assert.Equal(Layout.FormulaSeconds(), report.FormulaSeconds, 12);
        Assert.Equal(report.SimulatedSeconds * 1.1 + 0.001, report.MeasuredWallSeconds, 9);
        Assert.Equal(["node a", "link a->b", "node b"], report.Stages.Select(s => s.Resource));
        foreach (var (stage, row) in Layout.Stages.Zip(report.Stages))
        {
            var modeled = Layout.ModeledTime(stage, 4);
            Assert.Equal(modeled.Forward, row.ModeledForwardSeconds, 12);
            Assert.Equal(modeled.Forward * 1.1, row.MeasuredForwardSeconds, 9);
            Assert.Equal(modeled.Backward * 1.1, row.MeasuredBackwardSeconds, 9);
            Assert.Equal(report.Simulated.Resources[stage.Index].BusySeconds * 1.1, row.MeasuredBusySeconds, 9);
            Assert.Equal(stage.Kind == StageKind.Compute ? 0.5 : 0, row.WorkShare, 9);
        }
        Assert.Equal(0, report.OverranTasks);
        Assert.Contains("measured", report.Format());
    }

    [Fact]
    public void Overrunning_tasks_are_counted_and_flagged()
    {
        var step = Stretched(1.0, [4, 4]);
        var overrun = step with { Tasks = step.Tasks.Select(t => t with { WorkSeconds = t.ModeledSeconds * 2 }).ToArray() };
        var report = PipelineReport.Build(Layout, ScheduleKind.GPipe, [overrun]);
        var computeTasks = overrun.Tasks.Count(t => t.Task.ResourceId != "a->b");
        Assert.Equal(computeTasks, report.OverranTasks);
        Assert.Equal(computeTasks, report.ComputeTasks);
        Assert.Contains("took longer on this machine than on the emulated device (warning: the emulated devices are too fast", report.Format());
    }

    [Fact]
    public void A_run_without_a_full_step_cannot_be_reported()
    {
        var error = Assert.Throws<ArgumentException>(() => PipelineReport.Build(Layout, ScheduleKind.GPipe, [Stretched(1, [4, 3])]));
        Assert.Contains("no step held a full mini-batch of 8 samples", error.Message);
    }
}
