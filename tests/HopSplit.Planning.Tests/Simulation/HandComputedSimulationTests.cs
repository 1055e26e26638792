using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit;

namespace HopSplit.Planning.Tests.Simulation;

/// <summary>Small pipelines whose every task time was worked out by hand (all values exact in binary).</summary>
public class HandComputedSimulationTests
{
    // Stage 0: F = 1, G = 2.  Stage 1: F = 3, G = 1.  M = 3.
    private static PipelineWorkload TwoStages() => Workloads.Uniform(3, (1, 2), (3, 1));

    [Fact]
    public void GPipe_two_stages_three_micro_batches()
    {
        // Both stages: F0 F1 F2 B0 B1 B2.
        //   stage 0: F0 0-1   F1 1-2   F2 2-3
        //   stage 1: F0 1-4   F1 4-7 (free at 4)   F2 7-10 (free at 7)
        //   stage 1: B0 10-11 (free at 10)   B1 11-12   B2 12-13
        //   stage 0: B0 11-13 (waits for B(1,0) = 11)   B1 13-15 (free at 13)   B2 15-17
        // Makespan 17 = sum F + 2 max F + sum G + 2 max G = 4 + 6 + 3 + 4.
        var result = PipelineSimulator.Run(TwoStages(), ScheduleKind.GPipe);

        Assert.Equal(17, result.MakespanSeconds);
        Assert.Equal(4, Start(result, 1, TaskDirection.Forward, 1));
        Assert.Equal(7, Start(result, 1, TaskDirection.Forward, 2));
        Assert.Equal(10, Start(result, 1, TaskDirection.Backward, 0));
        Assert.Equal(11, Start(result, 0, TaskDirection.Backward, 0));
        Assert.Equal(15, Start(result, 0, TaskDirection.Backward, 2));
    }

    [Fact]
    public void OneFOneB_two_stages_three_micro_batches()
    {
        // S = 2. Stage 0 warms up with w = 1: F0 F1 B0 F2 B1 B2. Stage 1 (w = 0): F0 B0 F1 B1 F2 B2.
        //   stage 0: F0 0-1   F1 1-2
        //   stage 1: F0 1-4   B0 4-5   F1 5-8 (free at 5)   B1 8-9
        //   stage 0: B0 5-7 (waits for B(1,0) = 5)   F2 7-8   B1 9-11 (waits for B(1,1) = 9)
        //   stage 1: F2 9-12 (free at 9)   B2 12-13
        //   stage 0: B2 13-15
        // Makespan 15: stage 1 is busy 12 s and cannot start before 1 or let its last gradient go
        // before 2 s from the end, so this equals the lower bound.
        var result = PipelineSimulator.Run(TwoStages(), ScheduleKind.OneFOneB);

        Assert.Equal(15, result.MakespanSeconds);
        Assert.Equal(5, Start(result, 0, TaskDirection.Backward, 0));
        Assert.Equal(7, Start(result, 0, TaskDirection.Forward, 2));
        Assert.Equal(5, Start(result, 1, TaskDirection.Forward, 1));
        Assert.Equal(9, Start(result, 1, TaskDirection.Forward, 2));
        Assert.Equal(13, Start(result, 0, TaskDirection.Backward, 2));
    }

    [Fact]
    public void Resource_usage_of_the_two_stage_pipeline()
    {
        var result = PipelineSimulator.Run(TwoStages(), ScheduleKind.OneFOneB);

        Assert.Equal(new ResourceUsage(0, "n0", StageKind.Compute, 9, 6, 9.0 / 15), result.Resources[0]);
        Assert.Equal(new ResourceUsage(1, "n0->n2", StageKind.Link, 12, 3, 12.0 / 15), result.Resources[1]);
        Assert.Equal("link n0->n2", result.Resources[1].ResourceName);
    }

    [Fact]
    public void Lower_bound_of_the_two_stage_pipeline_is_stage_1_work()
    {
        // Round trip 1 + 3 + 1 + 2 = 7; stage 0: 0 + 3 * 3 + 0 = 9; stage 1: 1 + 3 * 4 + 2 = 15.
        var bound = PipelineLowerBound.Of(TwoStages());

        Assert.Equal(15, bound.Seconds);
        Assert.Equal(LowerBoundTerm.StageWork, bound.BindingTerm);
        Assert.Equal(1, bound.BindingStage);
        Assert.Equal(7, bound.RoundTripSeconds);
        Assert.Equal([9.0, 15.0], bound.StageSeconds);
    }

    [Fact]
    public void Three_stages_with_a_fast_middle_link_under_1f1b()
    {
        // Stage 0: F = 2, G = 2; stage 1 (link): F = G = 1; stage 2: F = 1, G = 3. M = 2, S = 3.
        // Orders (w = min(S - 1 - i, M)): stage 0 w = 2: F0 F1 B0 B1; stage 1 w = 1: F0 F1 B0 B1;
        // stage 2 w = 0: F0 B0 F1 B1.
        //   stage 0: F0 0-2   F1 2-4
        //   stage 1: F0 2-3   F1 4-5
        //   stage 2: F0 3-4   B0 4-7   F1 7-8 (free at 7)   B1 8-11
        //   stage 1: B0 7-8   B1 11-12
        //   stage 0: B0 8-10  B1 12-14
        var result = PipelineSimulator.Run(Workloads.Uniform(2, (2, 2), (1, 1), (1, 3)), ScheduleKind.OneFOneB);

        Assert.Equal(14, result.MakespanSeconds);
        Assert.Equal(7, Start(result, 2, TaskDirection.Forward, 1));
        Assert.Equal(7, Start(result, 1, TaskDirection.Backward, 0));
        Assert.Equal(12, Start(result, 0, TaskDirection.Backward, 1));
    }

    [Fact]
    public void Ragged_last_micro_batch_under_gpipe()
    {
        // Stage 0: F = 2, G = 2 for micro-batches 0 and 1, F = G = 1 for the smaller micro-batch 2.
        // Stage 1: F = 1, G = 1, and 0.5 each for micro-batch 2.
        //   stage 0: F0 0-2  F1 2-4  F2 4-5
        //   stage 1: F0 2-3  F1 4-5  F2 5-5.5   B0 5.5-6.5   B1 6.5-7.5   B2 7.5-8
        //   stage 0: B0 6.5-8.5   B1 8.5-10.5   B2 10.5-11.5
        var workload = new PipelineWorkload(
            [new SimulatedStage(StageKind.Compute, "a"), new SimulatedStage(StageKind.Compute, "b")],
            [[2.0, 2.0, 1.0], [1.0, 1.0, 0.5]],
            [[2.0, 2.0, 1.0], [1.0, 1.0, 0.5]]);

        var result = PipelineSimulator.Run(workload, ScheduleKind.GPipe);

        Assert.Equal(11.5, result.MakespanSeconds);
        Assert.Equal(5.5, Start(result, 1, TaskDirection.Backward, 0));
        Assert.Equal(6.5, Start(result, 0, TaskDirection.Backward, 0));
        Assert.Equal(10.5, Start(result, 0, TaskDirection.Backward, 2));
    }

    [Fact]
    public void A_single_stage_is_busy_the_whole_time()
    {
        foreach (var schedule in Workloads.Schedules)
        {
            var result = PipelineSimulator.Run(Workloads.Uniform(4, (1.5, 2.5)), schedule);

            Assert.Equal(16, result.MakespanSeconds);
            Assert.Equal(0, result.Resources[0].IdleSeconds);
            Assert.Equal(1, result.Resources[0].Utilization);
        }
    }

    private static double Start(SimulationResult result, int stage, TaskDirection direction, int microBatch) =>
        result.Timeline.Single(t => t.StageIndex == stage && t.Direction == direction && t.MicroBatch == microBatch).StartSeconds;
}
