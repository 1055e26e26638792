using HopSplit.Planning;

namespace HopSplit.Cli.Rendering;

/// <summary>A plan with the sequential baseline it is compared to: what `plan` prints.</summary>
internal sealed record PlanReport(Plan Plan, Plan? Sequential)
{
    /// <summary>How many times faster than sequential split learning the plan is predicted to train.</summary>
    public double? Speedup => Sequential is null ? null : Sequential.LatencySeconds / Plan.LatencySeconds;

    public object ToJson() => new
    {
        algorithm = Plan.Algorithm,
        batchSize = Plan.BatchSize,
        microBatchSize = Plan.MicroBatchSize,
        microBatches = Plan.MicroBatches,
        latencySeconds = Plan.LatencySeconds,
        sequentialLatencySeconds = Sequential?.LatencySeconds,
        speedupOverSequential = Speedup,
        path = Plan.Path,
        segments = Plan.Segments.Select(s => new
        {
            node = s.Node,
            firstLayer = s.FirstLayer,
            lastLayer = s.LastLayer,
            memoryBytes = s.MemoryBytes,
            memoryAvailableBytes = s.MemoryAvailableBytes,
        }),
        stages = Plan.Stages.Select(s => new
        {
            kind = s.Kind == StageKind.Link ? "link" : "compute",
            id = s.Id,
            firstLayer = s.FirstLayer,
            lastLayer = s.LastLayer,
            forwardSeconds = s.ForwardSeconds,
            backwardSeconds = s.BackwardSeconds,
            costSeconds = s.CostSeconds,
        }),
        bottleneck = Plan.Bottleneck.Id,
        notes = Plan.Notes,
    };
}
