using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit;

namespace HopSplit.Planning.Tests.Simulation;

public class ScheduleOrderTests
{
    [Fact]
    public void GPipe_runs_every_forward_then_every_backward()
    {
        var order = ScheduleOrder.For(ScheduleKind.GPipe, 1, 3, 3);

        Assert.Equal(["F0", "F1", "F2", "B0", "B1", "B2"], order.Select(Name));
    }

    [Fact]
    public void OneFOneB_warms_up_with_S_minus_1_minus_i_forwards_then_alternates()
    {
        // S = 3, M = 4: stage 0 warms up with 2 forwards, stage 1 with 1, the last stage with none.
        Assert.Equal(["F0", "F1", "F2", "B0", "F3", "B1", "B2", "B3"], ScheduleOrder.For(ScheduleKind.OneFOneB, 0, 3, 4).Select(Name));
        Assert.Equal(["F0", "F1", "B0", "F2", "B1", "F3", "B2", "B3"], ScheduleOrder.For(ScheduleKind.OneFOneB, 1, 3, 4).Select(Name));
        Assert.Equal(["F0", "B0", "F1", "B1", "F2", "B2", "F3", "B3"], ScheduleOrder.For(ScheduleKind.OneFOneB, 2, 3, 4).Select(Name));
    }

    [Fact]
    public void OneFOneB_warm_up_is_capped_by_the_micro_batch_count()
    {
        // S = 5, M = 2: stage 0 would warm up with 4 but only has 2 forwards, so it fills and drains.
        Assert.Equal(2, ScheduleOrder.WarmUpForwards(0, 5, 2));
        Assert.Equal(["F0", "F1", "B0", "B1"], ScheduleOrder.For(ScheduleKind.OneFOneB, 0, 5, 2).Select(Name));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(4, 3)]
    [InlineData(7, 12)]
    public void Every_order_runs_each_pass_once_and_each_forward_before_its_backward(int stageCount, int microBatches)
    {
        foreach (var schedule in Workloads.Schedules)
        {
            for (var stage = 0; stage < stageCount; stage++)
            {
                var order = ScheduleOrder.For(schedule, stage, stageCount, microBatches);
                Assert.Equal(2 * microBatches, order.Distinct().Count());
                Assert.Equal(2 * microBatches, order.Count);
                for (var m = 0; m < microBatches; m++)
                {
                    var forwardAt = IndexOf(order, new PipelineTask(TaskDirection.Forward, m));
                    var backwardAt = IndexOf(order, new PipelineTask(TaskDirection.Backward, m));
                    Assert.True(forwardAt >= 0 && forwardAt < backwardAt);
                }
            }
        }
    }

    [Fact]
    public void Schedules_have_their_file_names()
    {
        Assert.Equal("gpipe", ScheduleNames.Name(ScheduleKind.GPipe));
        Assert.Equal("1f1b", ScheduleNames.Name(ScheduleKind.OneFOneB));
    }

    private static string Name(PipelineTask task) => $"{(task.Direction == TaskDirection.Forward ? 'F' : 'B')}{task.MicroBatch}";

    private static int IndexOf(IReadOnlyList<PipelineTask> order, PipelineTask task)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == task) return i;
        }
        return -1;
    }
}
