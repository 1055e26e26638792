using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit;

namespace HopSplit.Planning.Tests.Simulation;

/// <summary>Simulating plans made by the planner for the sample problem (MODEL.md section 11).</summary>
public class PlanSimulationTests
{
    [Fact]
    public void Uniform_workload_of_a_plan_uses_its_stage_times()
    {
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 8));

        var workload = PipelineWorkload.FromPlan(plan);

        Assert.Equal(8, workload.MicroBatches);
        Assert.Equal(plan.Stages.Select(s => (s.Kind, s.Id)), workload.Stages.Select(s => (s.Kind, s.Id)));
        for (var s = 0; s < plan.Stages.Count; s++)
        {
            for (var m = 0; m < workload.MicroBatches; m++)
            {
                Assert.Equal(plan.Stages[s].ForwardSeconds, workload.Forward(s, m));
                Assert.Equal(plan.Stages[s].BackwardSeconds, workload.Backward(s, m));
            }
        }
    }

    [Fact]
    public void Plan_for_b_8_simulates_to_the_gpipe_closed_form_and_not_below_the_bound()
    {
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 8));
        var forward = plan.Stages.Select(s => s.ForwardSeconds).ToArray();
        var backward = plan.Stages.Select(s => s.BackwardSeconds).ToArray();
        var lambda = plan.MicroBatches - 1;

        var gpipe = PipelineSimulator.Run(plan, ScheduleKind.GPipe);
        var oneFOneB = PipelineSimulator.Run(plan, ScheduleKind.OneFOneB);
        var bound = PipelineLowerBound.Of(PipelineWorkload.FromPlan(plan));

        var closedForm = forward.Sum() + lambda * forward.Max() + backward.Sum() + lambda * backward.Max();
        Assert.Equal(closedForm, gpipe.MakespanSeconds, 1e-12);
        Assert.True(bound.Seconds <= gpipe.MakespanSeconds + 1e-12);
        Assert.True(bound.Seconds <= oneFOneB.MakespanSeconds + 1e-12);
        // gpipe pays max F and max G separately, and max F + max G >= max(F + G), so it never beats the objective T.
        Assert.True(gpipe.MakespanSeconds >= plan.LatencySeconds - 1e-12);
    }

    [Fact]
    public void At_the_joint_optimum_1f1b_meets_the_bound_while_gpipe_exceeds_the_objective()
    {
        // MODEL.md section 11: b = 2, T = 0.896752 s. The last stage (cloud) is the bottleneck, so T is
        // also the stage-work bound; 1f1b reaches it. Under gpipe max F and max G sit on different
        // stages, so fill and drain costs more than T.
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 2));
        var bound = PipelineLowerBound.Of(PipelineWorkload.FromPlan(problem, plan));

        var gpipe = PipelineSimulator.Run(plan, ScheduleKind.GPipe);
        var oneFOneB = PipelineSimulator.Run(plan, ScheduleKind.OneFOneB);

        Assert.Equal(0.896752, plan.LatencySeconds, 1e-6);
        Assert.Equal(LowerBoundTerm.StageWork, bound.BindingTerm);
        Assert.Equal(plan.Stages.Count - 1, bound.BindingStage);
        Assert.Equal(bound.Seconds, oneFOneB.MakespanSeconds, 1e-12);
        Assert.True(gpipe.MakespanSeconds > plan.LatencySeconds + 0.05);
    }

    [Fact]
    public void Resources_are_named_by_node_and_link()
    {
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 8));

        var result = PipelineSimulator.Run(plan, ScheduleKind.OneFOneB);

        // MODEL.md section 11: at b = 8 the plan is phone[0..0], edge[1..1], cloud[2..3] over phone-ap-edge-cloud.
        Assert.Equal(
            ["node phone", "link phone->ap", "link ap->edge", "node edge", "link edge->cloud", "node cloud"],
            result.Resources.Select(r => r.ResourceName));
    }

    [Fact]
    public void Ragged_last_micro_batch_gets_the_times_of_its_own_size()
    {
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 10));

        var workload = PipelineWorkload.FromPlan(problem, plan);

        // 64 = 6 * 10 + 4: seven micro-batches, the last of 4 samples.
        Assert.Equal([10, 10, 10, 10, 10, 10, 4], MicroBatchSplit.Sizes(64, 10));
        Assert.Equal(7, workload.MicroBatches);
        var stages = plan.Shape.Stages().ToArray();
        for (var s = 0; s < stages.Length; s++)
        {
            var full = stages[s].Time(problem, 10);
            var last = stages[s].Time(problem, 4);
            Assert.Equal(full.Forward, workload.Forward(s, 0));
            Assert.Equal(full.Backward, workload.Backward(s, 5));
            Assert.Equal(last.Forward, workload.Forward(s, 6));
            Assert.Equal(last.Backward, workload.Backward(s, 6));
            Assert.True(workload.Forward(s, 6) < workload.Forward(s, 0));
        }
        foreach (var schedule in Workloads.Schedules)
        {
            var ragged = PipelineSimulator.Run(problem, plan.Shape, MicroBatchSplit.Sizes(64, 10), schedule);
            var uniform = PipelineSimulator.Run(plan, schedule);
            Assert.True(ragged.MakespanSeconds < uniform.MakespanSeconds, "a smaller last micro-batch finishes sooner");
            Assert.True(PipelineLowerBound.Of(workload).Seconds <= ragged.MakespanSeconds + 1e-12);
        }
    }

    [Fact]
    public void Micro_batch_split_covers_the_batch()
    {
        for (var batch = 1; batch <= 40; batch++)
        {
            for (var b = 1; b <= batch; b++)
            {
                var sizes = MicroBatchSplit.Sizes(batch, b);
                Assert.Equal((batch + b - 1) / b, sizes.Count);
                Assert.Equal(batch, sizes.Sum());
                Assert.All(sizes.Take(sizes.Count - 1), size => Assert.Equal(b, size));
                Assert.InRange(sizes[^1], 1, b);
            }
        }
    }

    [Fact]
    public void Workload_rejects_malformed_input()
    {
        SimulatedStage[] twice = [new(StageKind.Compute, "a"), new(StageKind.Compute, "a")];
        Assert.Throws<ArgumentException>(() => new PipelineWorkload(twice, [[1.0], [1.0]], [[1.0], [1.0]]));
        SimulatedStage[] one = [new(StageKind.Compute, "a")];
        Assert.Throws<ArgumentException>(() => new PipelineWorkload(one, [[1.0, 2.0]], [[1.0]]));
        Assert.Throws<ArgumentException>(() => new PipelineWorkload(one, [[-1.0]], [[1.0]]));
        Assert.Throws<ArgumentException>(() => new PipelineWorkload(one, [[double.NaN]], [[1.0]]));
        Assert.Throws<ArgumentException>(() => new PipelineWorkload(one, [[]], [[]]));
    }
}
