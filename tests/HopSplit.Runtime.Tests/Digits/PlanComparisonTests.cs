using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Bench;
using HopSplit.Samples.Digits.Training;

namespace HopSplit.Runtime.Tests.Digits;

/// <summary>The ranking check of `digits compare`, on reports whose measured times are set by hand.</summary>
public class PlanComparisonTests
{
    static readonly PlanningProblem Problem = DigitsTraining.Problem(new DigitsTrainingOptions());

    /// <summary>A plan whose measured step is its simulated one times <paramref name="stretch"/>.</summary>
    static ComparedPlan Measured(string name, PlanningAlgorithm algorithm, double stretch)
    {
        var plan = Planner.Plan(Problem, new PlannerOptions(algorithm));
        var layout = PipelineLayout.From(Problem, plan);
        var simulated = layout.Simulate(layout.MicroBatchSizes(Problem.BatchSize), ScheduleKind.OneFOneB);
        var tasks = simulated.Timeline.Select(t => new MeasuredTask(
            t with { StartSeconds = t.StartSeconds * stretch, EndSeconds = t.EndSeconds * stretch }, 0, t.DurationSeconds)).ToArray();
        var step = new StepResult(1, simulated.MakespanSeconds * stretch, simulated.MakespanSeconds * stretch, layout.MicroBatchSizes(Problem.BatchSize), tasks);
        return new ComparedPlan(name, plan, PipelineReport.Build(layout, ScheduleKind.OneFOneB, [step]));
    }

    [Fact]
    public void Measurements_in_the_predicted_order_have_no_inversion()
    {
        var plans = new[]
        {
            Measured("hopsplit", PlanningAlgorithm.Bsp, 1.02),
            Measured("sequential", PlanningAlgorithm.Sequential, 1.0),
            Measured("even", PlanningAlgorithm.Even, 1.0),
        };
        Assert.Empty(PlanComparison.Inversions(plans));
    }

    [Fact]
    public void A_plan_predicted_faster_but_measured_slower_is_an_inversion()
    {
        // HopSplit's plan is predicted about twice as fast as sequential; measured 2.5x its prediction it is slower.
        var hopsplit = Measured("hopsplit", PlanningAlgorithm.Bsp, 2.5);
        var sequential = Measured("sequential", PlanningAlgorithm.Sequential, 1.0);
        var inversion = Assert.Single(PlanComparison.Inversions([hopsplit, sequential]));
        Assert.Equal(("hopsplit", "sequential"), (inversion.Faster.Algorithm, inversion.Slower.Algorithm));
    }

    [Fact]
    public void Plans_the_simulator_puts_within_2_percent_are_ties_whatever_was_measured()
    {
        // Two-tier's plan is predicted within 1% of HopSplit's on this network.
        var hopsplit = Measured("hopsplit", PlanningAlgorithm.Bsp, 1.05);
        var twoTier = Measured("two-tier", PlanningAlgorithm.TwoTier, 1.0);
        Assert.True(twoTier.Report.SimulatedSeconds <= hopsplit.Report.SimulatedSeconds * 1.02);
        Assert.Empty(PlanComparison.Inversions([hopsplit, twoTier]));
    }
}
