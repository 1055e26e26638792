using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Runtime;

/// <summary>One stage of the pipeline the runtime builds: a compute segment on a node, or one link hop.</summary>
/// <param name="Index">0-based position in the pipeline (compute and link stages together, as in the simulator).</param>
/// <param name="Kind">Compute or link.</param>
/// <param name="Id">The node id, or "from->to" for a link: the same resource ids the simulator uses.</param>
/// <param name="Ref">Where the stage sits in the problem: node or link index, layers, cut.</param>
public sealed record PipelineStage(int Index, StageKind Kind, string Id, StageRef Ref)
{
    /// <summary>A readable name such as "node phone" or "link phone->ap".</summary>
    public string ResourceName => new SimulatedStage(Kind, Id).ResourceName;
}

/// <summary>
/// A plan turned into the stages the runtime runs, with the cost model that predicts them: the contract
/// between planner, simulator and runtime (stage order, resource ids and per-micro-batch times are the same).
/// </summary>
public sealed class PipelineLayout
{
    private PipelineLayout(PlanningProblem problem, PlanShape shape, int microBatchSize, IReadOnlyList<PipelineStage> stages)
    {
        Problem = problem;
        Shape = shape;
        MicroBatchSize = microBatchSize;
        Stages = stages;
    }

    /// <summary>Model, network and job the plan was made for.</summary>
    public PlanningProblem Problem { get; }

    /// <summary>Split, placement and route.</summary>
    public PlanShape Shape { get; }

    /// <summary>b: the size of every full micro-batch.</summary>
    public int MicroBatchSize { get; }

    /// <summary>Every stage in pipeline order.</summary>
    public IReadOnlyList<PipelineStage> Stages { get; }

    /// <summary>The compute stages only, in pipeline order.</summary>
    public IEnumerable<PipelineStage> ComputeStages => Stages.Where(s => s.Kind == StageKind.Compute);

    /// <summary>The layout of <paramref name="plan"/>, which must have been made for <paramref name="problem"/>.</summary>
    public static PipelineLayout From(PlanningProblem problem, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.BatchSize != problem.BatchSize)
            throw new ArgumentException($"the plan is for batch {plan.BatchSize} but the problem's job has batch {problem.BatchSize}", nameof(plan));
        return From(problem, plan.Shape, plan.MicroBatchSize);
    }

    /// <summary>The layout of a plan shape run with micro-batches of <paramref name="microBatchSize"/>.</summary>
    public static PipelineLayout From(PlanningProblem problem, PlanShape shape, int microBatchSize)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(shape);
        if (microBatchSize < 1 || microBatchSize > problem.BatchSize)
            throw new ArgumentOutOfRangeException(nameof(microBatchSize), microBatchSize, $"the micro-batch size must be between 1 and the batch size {problem.BatchSize}");
        var nodes = problem.Network.Nodes;
        var stages = shape.Stages()
            .Select((s, i) => s.IsLink
                ? new PipelineStage(i, StageKind.Link, $"{nodes[s.From].Id}->{nodes[s.To].Id}", s)
                : new PipelineStage(i, StageKind.Compute, nodes[s.Node].Id, s))
            .ToArray();
        if (stages.Length == 0 || stages[0].Ref.FirstLayer != 0 || stages[^1].Ref.LastLayer != problem.LayerCount - 1)
            throw new ArgumentException("the plan shape must cover every layer of the model, from layer 0 on the source", nameof(shape));
        return new PipelineLayout(problem, shape, microBatchSize, stages);
    }

    /// <summary>The micro-batch sizes a mini-batch of <paramref name="samples"/> is cut into: b, ..., b, the rest.</summary>
    public IReadOnlyList<int> MicroBatchSizes(int samples) => MicroBatchSplit.Sizes(samples, Math.Min(samples, MicroBatchSize));

    /// <summary>The cost model's forward and backward seconds of a stage for a micro-batch of <paramref name="size"/> samples.</summary>
    public StageTime ModeledTime(PipelineStage stage, int size) => stage.Ref.Time(Problem, size);

    /// <summary>The simulator's account of one mini-batch of the given micro-batch sizes under <paramref name="schedule"/>.</summary>
    public SimulationResult Simulate(IReadOnlyList<int> microBatchSizes, ScheduleKind schedule) =>
        PipelineSimulator.Run(Problem, Shape, microBatchSizes, schedule);

    /// <summary>The planning objective T (MODEL.md section 5) for a full mini-batch, the formula the planner minimized.</summary>
    public double FormulaSeconds() => Objective.Latency(Problem, Shape, MicroBatchSize);
}
