using HopSplit.Planning.Baselines;
using HopSplit.Planning.Solver;

namespace HopSplit.Planning.Tests.Plans;

/// <summary>MODEL.md section 11's worked example, reproduced to the microsecond.</summary>
public class WorkedExampleTests
{
    private static string Segments(Plan plan) => string.Join(" ", plan.Segments.Select(s => $"{s.Node}[{s.FirstLayer}..{s.LastLayer}]"));

    [Fact]
    public void Sequential_baseline_matches_the_worked_example()
    {
        var plan = Planner.Plan(Examples.TinyOnCampus(), new PlannerOptions(PlanningAlgorithm.Sequential));
        Assert.Equal(64, plan.MicroBatchSize);
        Assert.Equal(1.785904, plan.LatencySeconds, 9);
        Assert.Equal(["phone", "ap", "edge", "cloud"], plan.Path);
        Assert.Equal("phone[0..0] cloud[1..3]", Segments(plan));
    }

    [Fact]
    public void Fixed_micro_batch_of_eight_matches_the_worked_example()
    {
        var plan = Planner.Plan(Examples.TinyOnCampus(), new PlannerOptions(MicroBatchSize: 8));
        Assert.Equal(8, plan.MicroBatches);
        Assert.Equal(0.953008, plan.LatencySeconds, 9);
        Assert.Equal("phone[0..0] edge[1..1] cloud[2..3]", Segments(plan));
    }

    [Theory]
    [InlineData(JointMode.Alternating)]
    [InlineData(JointMode.Exact)]
    public void Joint_optimum_is_b_two(JointMode mode)
    {
        var plan = Planner.Plan(Examples.TinyOnCampus(), new PlannerOptions(Joint: mode));
        Assert.Equal(2, plan.MicroBatchSize);
        Assert.Equal(0.896752, plan.LatencySeconds, 9);
        Assert.Equal("phone[0..0] edge[1..1] cloud[2..3]", Segments(plan));
    }

    [Fact]
    public void Exhaustive_search_agrees_with_the_worked_example()
    {
        var problem = Examples.TinyOnCampus();
        Assert.Equal(0.953008, ExhaustivePlanner.Best(problem, 8).Latency, 9);
        var joint = ExhaustivePlanner.BestJoint(problem);
        Assert.Equal(2, joint.MicroBatchSize);
        Assert.Equal(0.896752, joint.Latency, 9);
    }

    [Fact]
    public void The_plan_changes_with_the_micro_batch_size()
    {
        var solver = new MspSolver(Examples.TinyOnCampus());
        var atB = solver.Solve(64)!;
        var atEight = solver.Solve(8)!;
        Assert.NotEqual(atB.Shape, atEight.Shape);
    }

    [Fact]
    public void Stages_list_every_hop_with_its_times()
    {
        var plan = Planner.Plan(Examples.TinyOnCampus(), new PlannerOptions(MicroBatchSize: 8));
        Assert.Equal(["phone", "phone->ap", "ap->edge", "edge", "edge->cloud", "cloud"], plan.Stages.Select(s => s.Id));
        // phone: 8 * 1e7 / 1e10 + 0.001 forward, 8 * 2e7 / 1e10 + 0.001 backward.
        Assert.Equal(0.009, plan.Stages[0].ForwardSeconds, 12);
        Assert.Equal(0.017, plan.Stages[0].BackwardSeconds, 12);
        // edge->cloud carries layer 1's 2000 elements: 8 * 2000 * 4 * 8 / 5e7 + 0.01 each way.
        Assert.Equal(0.01 + 0.01024, plan.Stages[4].ForwardSeconds, 12);
        Assert.Equal("cloud", plan.Bottleneck.Id);
    }
}
