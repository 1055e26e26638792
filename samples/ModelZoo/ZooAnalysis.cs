using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Samples.ModelZoo;

/// <summary>One schedule's simulated mini-batch for the plan and for sequential split learning.</summary>
/// <param name="Schedule">gpipe or 1f1b.</param>
/// <param name="Simulation">The plan's simulated timeline.</param>
/// <param name="SequentialSeconds">Sequential split learning's simulated mini-batch (one micro-batch, so the schedule does not matter).</param>
public sealed record ScheduleResult(ScheduleKind Schedule, SimulationResult Simulation, double SequentialSeconds)
{
    public double MakespanSeconds => Simulation.MakespanSeconds;

    /// <summary>Simulated speedup of the pipelined plan over sequential split learning.</summary>
    public double Speedup => SequentialSeconds / MakespanSeconds;
}

/// <summary>
/// What the sample computes for a model on the network: the planner's plan, the sequential baseline, both
/// schedules through the discrete-event simulator and the lower bound no schedule can beat.
/// </summary>
public sealed record ZooAnalysis(ZooModel Model, Network Network, Plan Plan, Plan Sequential, PipelineLowerBound LowerBound,
    IReadOnlyList<ScheduleResult> Schedules)
{
    /// <summary>Predicted speedup over sequential split learning (the planning formula T of both plans).</summary>
    public double PredictedSpeedup => Sequential.LatencySeconds / Plan.LatencySeconds;

    /// <summary>Plans <paramref name="model"/> on <paramref name="network"/> for mini-batches of <paramref name="batchSize"/>
    /// (SGD) and simulates the plan.</summary>
    /// <exception cref="InfeasiblePlanException">No plan fits the nodes' memory.</exception>
    public static ZooAnalysis Run(ZooModel model, Network network, int batchSize)
    {
        var problem = new PlanningProblem(model.Costs, network, new TrainingJob(batchSize));
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequential = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        // Real micro-batch sizes: the last one is smaller when b does not divide B.
        var workload = PipelineWorkload.FromPlan(problem, plan);
        var sequentialWorkload = PipelineWorkload.FromPlan(problem, sequential);
        var schedules = new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB }
            .Select(s => new ScheduleResult(s, PipelineSimulator.Run(workload, s), PipelineSimulator.Run(sequentialWorkload, s).MakespanSeconds))
            .ToArray();
        return new ZooAnalysis(model, network, plan, sequential, PipelineLowerBound.Of(workload), schedules);
    }
}
