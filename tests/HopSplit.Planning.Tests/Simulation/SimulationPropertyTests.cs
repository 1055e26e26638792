using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit;

namespace HopSplit.Planning.Tests.Simulation;

/// <summary>Invariants every simulation must satisfy, checked on seeded random pipelines.</summary>
public class SimulationPropertyTests
{
    private const int Cases = 300;

    // Different summation orders differ in the last bits; this is far below any scheduling effect.
    private const double RelativeTolerance = 1e-9;

    public static TheoryData<ScheduleKind, bool> SchedulesAndRaggedness() => new()
    {
        { ScheduleKind.GPipe, false },
        { ScheduleKind.GPipe, true },
        { ScheduleKind.OneFOneB, false },
        { ScheduleKind.OneFOneB, true },
    };

    [Fact]
    public void GPipe_matches_the_closed_form_for_identical_micro_batches()
    {
        var random = new Random(20250101);
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast: false);
            var forward = Enumerable.Range(0, workload.StageCount).Select(s => workload.Forward(s, 0)).ToArray();
            var backward = Enumerable.Range(0, workload.StageCount).Select(s => workload.Backward(s, 0)).ToArray();
            var lambda = workload.MicroBatches - 1;
            var expected = forward.Sum() + lambda * forward.Max() + backward.Sum() + lambda * backward.Max();

            var result = PipelineSimulator.Run(workload, ScheduleKind.GPipe);

            AssertClose(expected, result.MakespanSeconds);
        }
    }

    [Fact]
    public void One_micro_batch_takes_one_round_trip_under_both_schedules_and_meets_the_bound()
    {
        var random = new Random(7);
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast: false);
            workload = Workloads.Uniform(1, Enumerable.Range(0, workload.StageCount)
                .Select(s => (workload.Forward(s, 0), workload.Backward(s, 0))).ToArray());
            var roundTrip = Enumerable.Range(0, workload.StageCount).Sum(s => workload.Forward(s, 0) + workload.Backward(s, 0));

            foreach (var schedule in Workloads.Schedules)
            {
                AssertClose(roundTrip, PipelineSimulator.Run(workload, schedule).MakespanSeconds);
            }
            // With one micro-batch every stage's term is the round trip too (up to summation order): the bound is tight.
            var bound = PipelineLowerBound.Of(workload);
            AssertClose(roundTrip, bound.RoundTripSeconds);
            AssertClose(roundTrip, bound.Seconds);
        }
    }

    [Theory]
    [MemberData(nameof(SchedulesAndRaggedness))]
    public void No_schedule_beats_the_lower_bound(ScheduleKind schedule, bool raggedLast)
    {
        var random = new Random(11 + (int)schedule + (raggedLast ? 100 : 0));
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast);
            var bound = PipelineLowerBound.Of(workload);

            var result = PipelineSimulator.Run(workload, schedule);

            Assert.True(bound.Seconds <= result.MakespanSeconds * (1 + RelativeTolerance),
                $"case {i}: bound {bound.Seconds} ({bound.BindingTerm}) > makespan {result.MakespanSeconds}");
            Assert.Equal(bound.StageSeconds.Append(bound.RoundTripSeconds).Max(), bound.Seconds);
        }
    }

    [Theory]
    [MemberData(nameof(SchedulesAndRaggedness))]
    public void Every_resource_is_busy_exactly_its_work_and_idle_the_rest(ScheduleKind schedule, bool raggedLast)
    {
        var random = new Random(23 + (int)schedule + (raggedLast ? 100 : 0));
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast);

            var result = PipelineSimulator.Run(workload, schedule);

            Assert.Equal(workload.StageCount, result.Resources.Count);
            for (var s = 0; s < workload.StageCount; s++)
            {
                var usage = result.Resources[s];
                Assert.Equal(workload.Stages[s].Id, usage.Id);
                Assert.Equal(workload.Stages[s].Kind, usage.Kind);
                AssertClose(workload.WorkSeconds(s), usage.BusySeconds);
                AssertClose(result.MakespanSeconds - usage.BusySeconds, usage.IdleSeconds);
                Assert.InRange(usage.Utilization, 0, 1 + RelativeTolerance);
            }
            // With identical micro-batches, busy time is M (F + G): the work the objective charges.
            if (!raggedLast)
            {
                for (var s = 0; s < workload.StageCount; s++)
                    AssertClose(workload.MicroBatches * (workload.Forward(s, 0) + workload.Backward(s, 0)), result.Resources[s].BusySeconds);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SchedulesAndRaggedness))]
    public void Timeline_runs_every_task_once_one_at_a_time_per_resource_in_schedule_order(ScheduleKind schedule, bool raggedLast)
    {
        var random = new Random(37 + (int)schedule + (raggedLast ? 100 : 0));
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast);

            var result = PipelineSimulator.Run(workload, schedule);

            Assert.Equal(2 * workload.StageCount * workload.MicroBatches, result.Timeline.Count);
            Assert.Equal(result.Timeline.Count, result.Timeline.Select(t => (t.StageIndex, t.Direction, t.MicroBatch)).Distinct().Count());
            Assert.Equal(result.Timeline.Max(t => t.EndSeconds), result.MakespanSeconds);
            for (var s = 0; s < workload.StageCount; s++)
            {
                var onStage = result.Timeline.Where(t => t.StageIndex == s).ToArray(); // timeline keeps each stage's order
                Assert.Equal(ScheduleOrder.For(schedule, s, workload.StageCount, workload.MicroBatches),
                    onStage.Select(t => new PipelineTask(t.Direction, t.MicroBatch)));
                for (var k = 0; k < onStage.Length; k++)
                {
                    Assert.Equal(workload.Stages[s].Id, onStage[k].ResourceId);
                    var expected = onStage[k].Direction == TaskDirection.Forward
                        ? workload.Forward(s, onStage[k].MicroBatch)
                        : workload.Backward(s, onStage[k].MicroBatch);
                    AssertClose(expected, onStage[k].DurationSeconds);
                    if (k > 0) Assert.True(onStage[k].StartSeconds >= onStage[k - 1].EndSeconds, $"case {i}: stage {s} runs two tasks at once");
                }
            }
            for (var k = 1; k < result.Timeline.Count; k++)
                Assert.True(result.Timeline[k].StartSeconds >= result.Timeline[k - 1].StartSeconds);
        }
    }

    [Theory]
    [MemberData(nameof(SchedulesAndRaggedness))]
    public void Every_dependency_is_respected(ScheduleKind schedule, bool raggedLast)
    {
        var random = new Random(41 + (int)schedule + (raggedLast ? 100 : 0));
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast);
            var last = workload.StageCount - 1;

            var result = PipelineSimulator.Run(workload, schedule);

            var task = result.Timeline.ToDictionary(t => (t.StageIndex, t.Direction, t.MicroBatch));
            for (var s = 0; s <= last; s++)
            {
                for (var m = 0; m < workload.MicroBatches; m++)
                {
                    var forward = task[(s, TaskDirection.Forward, m)];
                    var backward = task[(s, TaskDirection.Backward, m)];
                    Assert.True(forward.StartSeconds >= 0);
                    if (s > 0) Assert.True(forward.StartSeconds >= task[(s - 1, TaskDirection.Forward, m)].EndSeconds);
                    Assert.True(backward.StartSeconds >= forward.EndSeconds);
                    if (s < last) Assert.True(backward.StartSeconds >= task[(s + 1, TaskDirection.Backward, m)].EndSeconds);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneFOneB_holds_at_most_S_minus_i_activations_at_stage_i_while_gpipe_holds_all(bool raggedLast)
    {
        var random = new Random(53 + (raggedLast ? 100 : 0));
        for (var i = 0; i < Cases; i++)
        {
            var workload = Workloads.Random(random, raggedLast);
            var stageCount = workload.StageCount;

            var oneFOneB = PipelineSimulator.Run(workload, ScheduleKind.OneFOneB);
            var gpipe = PipelineSimulator.Run(workload, ScheduleKind.GPipe);

            for (var s = 0; s < stageCount; s++)
            {
                Assert.Equal(Math.Min(stageCount - s, workload.MicroBatches), MaxActivationsHeld(oneFOneB, s));
                Assert.Equal(workload.MicroBatches, MaxActivationsHeld(gpipe, s));
            }
        }
    }

    [Fact]
    public void Simulation_is_deterministic()
    {
        var workload = Workloads.Random(new Random(99), raggedLast: true);
        foreach (var schedule in Workloads.Schedules)
        {
            var first = PipelineSimulator.Run(workload, schedule);
            var second = PipelineSimulator.Run(workload, schedule);

            Assert.Equal(first.MakespanSeconds, second.MakespanSeconds);
            Assert.Equal(first.Timeline, second.Timeline);
            Assert.Equal(first.Resources, second.Resources);
        }
    }

    /// <summary>
    /// The most micro-batches whose forward has started on the stage and whose backward there has
    /// not finished: activations the stage must keep. The stage runs one task at a time, so walking
    /// its tasks in start order counts them.
    /// </summary>
    private static int MaxActivationsHeld(SimulationResult result, int stage)
    {
        int held = 0, max = 0;
        foreach (var task in result.Timeline.Where(t => t.StageIndex == stage))
        {
            if (task.Direction == TaskDirection.Forward) max = Math.Max(max, ++held);
            else held--;
        }
        return max;
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= RelativeTolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
