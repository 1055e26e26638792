using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Simulation;

/// <summary>
/// What the simulator runs: the stages in pipeline order and, for every stage and micro-batch, the
/// forward seconds F and backward seconds G (MODEL.md section 4). Micro-batches may differ in size,
/// so the times are kept per micro-batch.
/// </summary>
public sealed class PipelineWorkload
{
    private readonly double[][] _forward;  // [stage][micro-batch]
    private readonly double[][] _backward; // [stage][micro-batch]

    /// <summary>Builds a workload from explicit times; every stage must give a time for every micro-batch.</summary>
    /// <param name="stages">The stages in pipeline order; no two may be the same resource (kind and id).</param>
    /// <param name="forwardSeconds">forwardSeconds[s][m]: F of stage s for micro-batch m.</param>
    /// <param name="backwardSeconds">backwardSeconds[s][m]: G of stage s for micro-batch m.</param>
    public PipelineWorkload(
        IReadOnlyList<SimulatedStage> stages,
        IReadOnlyList<IReadOnlyList<double>> forwardSeconds,
        IReadOnlyList<IReadOnlyList<double>> backwardSeconds)
    {
        if (stages.Count == 0) throw new ArgumentException("a pipeline has at least one stage", nameof(stages));
        if (forwardSeconds.Count != stages.Count) throw new ArgumentException("one row of forward times per stage", nameof(forwardSeconds));
        if (backwardSeconds.Count != stages.Count) throw new ArgumentException("one row of backward times per stage", nameof(backwardSeconds));
        var seen = new HashSet<(StageKind, string)>();
        foreach (var stage in stages)
        {
            // One resource per stage: a simple path never reuses a node or a link.
            if (!seen.Add((stage.Kind, stage.Id)))
                throw new ArgumentException($"stage '{stage.ResourceName}' appears twice", nameof(stages));
        }
        MicroBatches = forwardSeconds[0].Count;
        if (MicroBatches == 0) throw new ArgumentException("at least one micro-batch", nameof(forwardSeconds));
        Stages = stages.ToArray();
        _forward = CopyTimes(forwardSeconds, MicroBatches, nameof(forwardSeconds));
        _backward = CopyTimes(backwardSeconds, MicroBatches, nameof(backwardSeconds));
    }

    /// <summary>The stages in pipeline order.</summary>
    public IReadOnlyList<SimulatedStage> Stages { get; }

    /// <summary>S: compute and link stages together.</summary>
    public int StageCount => Stages.Count;

    /// <summary>M: the number of micro-batches.</summary>
    public int MicroBatches { get; }

    /// <summary>F of stage <paramref name="stage"/> for micro-batch <paramref name="microBatch"/>.</summary>
    /// <param name="stage">0-based stage index.</param>
    /// <param name="microBatch">0-based micro-batch index.</param>
    public double Forward(int stage, int microBatch) => _forward[stage][microBatch];

    /// <summary>G of stage <paramref name="stage"/> for micro-batch <paramref name="microBatch"/>.</summary>
    /// <param name="stage">0-based stage index.</param>
    /// <param name="microBatch">0-based micro-batch index.</param>
    public double Backward(int stage, int microBatch) => _backward[stage][microBatch];

    /// <summary>The seconds of the given task on the given stage.</summary>
    /// <param name="stage">0-based stage index.</param>
    /// <param name="task">The forward or backward pass of one micro-batch.</param>
    public double Duration(int stage, PipelineTask task) =>
        task.Direction == TaskDirection.Forward ? _forward[stage][task.MicroBatch] : _backward[stage][task.MicroBatch];

    /// <summary>Sum over micro-batches of F + G: the seconds stage <paramref name="stage"/> must be busy.</summary>
    /// <param name="stage">0-based stage index.</param>
    public double WorkSeconds(int stage)
    {
        double sum = 0;
        for (var m = 0; m < MicroBatches; m++) sum += _forward[stage][m] + _backward[stage][m];
        return sum;
    }

    /// <summary>Every micro-batch takes the plan's per-micro-batch times (the objective's assumption).</summary>
    /// <param name="stages">Stages with F and G for one micro-batch.</param>
    /// <param name="microBatches">M: the number of micro-batches.</param>
    public static PipelineWorkload Uniform(IReadOnlyList<PlanStage> stages, int microBatches)
    {
        if (microBatches < 1) throw new ArgumentOutOfRangeException(nameof(microBatches), microBatches, "at least one micro-batch");
        return new PipelineWorkload(
            stages.Select(s => new SimulatedStage(s.Kind, s.Id)).ToArray(),
            stages.Select(s => (IReadOnlyList<double>)Enumerable.Repeat(s.ForwardSeconds, microBatches).ToArray()).ToArray(),
            stages.Select(s => (IReadOnlyList<double>)Enumerable.Repeat(s.BackwardSeconds, microBatches).ToArray()).ToArray());
    }

    /// <summary>
    /// The plan's stages with M identical micro-batches of size b, as the objective T assumes. When b
    /// does not divide B the real last micro-batch is smaller: use <see cref="FromPlan(PlanningProblem, Plan)"/>.
    /// </summary>
    /// <param name="plan">The plan to run.</param>
    public static PipelineWorkload FromPlan(Plan plan) => Uniform(plan.Stages, plan.MicroBatches);

    /// <summary>The plan's stages with the real micro-batch sizes: b, ..., b, and the rest of B last.</summary>
    /// <param name="problem">The problem the plan was made for (it gives the times for any size).</param>
    /// <param name="plan">The plan to run.</param>
    public static PipelineWorkload FromPlan(PlanningProblem problem, Plan plan) =>
        FromShape(problem, plan.Shape, MicroBatchSplit.Sizes(problem.BatchSize, plan.MicroBatchSize));

    /// <summary>A plan shape with the given micro-batch sizes; each stage's F and G are computed per size.</summary>
    /// <param name="problem">Model, network and job that give the stage times.</param>
    /// <param name="shape">Split, placement and route.</param>
    /// <param name="microBatchSizes">The size of every micro-batch, in order (at least one, each at least 1).</param>
    public static PipelineWorkload FromShape(PlanningProblem problem, PlanShape shape, IReadOnlyList<int> microBatchSizes)
    {
        if (microBatchSizes.Count == 0) throw new ArgumentException("at least one micro-batch", nameof(microBatchSizes));
        if (microBatchSizes.Any(b => b < 1)) throw new ArgumentException("every micro-batch holds at least one sample", nameof(microBatchSizes));
        var nodes = problem.Network.Nodes;
        var refs = shape.Stages().ToArray();
        var stages = refs
            .Select(s => s.IsLink
                ? new SimulatedStage(StageKind.Link, $"{nodes[s.From].Id}->{nodes[s.To].Id}")
                : new SimulatedStage(StageKind.Compute, nodes[s.Node].Id))
            .ToArray();
        // Sizes repeat (all but the last are b), so compute each distinct size once per stage.
        var times = refs
            .Select(s => microBatchSizes.Distinct().ToDictionary(b => b, b => s.Time(problem, b)))
            .ToArray();
        return new PipelineWorkload(
            stages,
            times.Select(t => (IReadOnlyList<double>)microBatchSizes.Select(b => t[b].Forward).ToArray()).ToArray(),
            times.Select(t => (IReadOnlyList<double>)microBatchSizes.Select(b => t[b].Backward).ToArray()).ToArray());
    }

    private static double[][] CopyTimes(IReadOnlyList<IReadOnlyList<double>> rows, int microBatches, string parameter)
    {
        var copy = new double[rows.Count][];
        for (var s = 0; s < rows.Count; s++)
        {
            if (rows[s].Count != microBatches)
                throw new ArgumentException($"stage {s} has {rows[s].Count} times, expected one per micro-batch ({microBatches})", parameter);
            copy[s] = rows[s].ToArray();
            foreach (var t in copy[s])
            {
                if (!double.IsFinite(t) || t < 0)
                    throw new ArgumentException($"stage {s} has time {t}; times must be finite and non-negative", parameter);
            }
        }
        return copy;
    }
}
