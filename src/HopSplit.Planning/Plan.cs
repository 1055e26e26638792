using HopSplit.Planning.Costs;

namespace HopSplit.Planning;

public enum StageKind { Compute, Link }

/// <summary>A pipeline stage with its times for one micro-batch (MODEL.md section 4).</summary>
/// <param name="Kind">Compute segment or link hop.</param>
/// <param name="Id">The node id for a compute stage, "from->to" for a link.</param>
/// <param name="FirstLayer">First layer computed (compute) or the layer whose output crosses (link).</param>
/// <param name="LastLayer">Last layer computed (compute) or the same cut layer (link).</param>
/// <param name="ForwardSeconds">F: activations through the stage for one micro-batch.</param>
/// <param name="BackwardSeconds">G: gradients back through the stage for one micro-batch.</param>
public sealed record PlanStage(StageKind Kind, string Id, int FirstLayer, int LastLayer, double ForwardSeconds, double BackwardSeconds)
{
    public double CostSeconds => ForwardSeconds + BackwardSeconds;
}

/// <summary>Layers FirstLayer..LastLayer (0-based, inclusive) on Node, with the memory they need.</summary>
public sealed record PlanSegment(string Node, int FirstLayer, int LastLayer, double MemoryBytes, double MemoryAvailableBytes);

/// <summary>A complete plan: split, placement, route and micro-batch size, with its predicted latency.</summary>
public sealed class Plan
{
    internal Plan(PlanningProblem problem, PlanShape shape, int microBatchSize, string algorithm, IReadOnlyList<string> notes)
    {
        Shape = shape;
        Algorithm = algorithm;
        BatchSize = problem.BatchSize;
        MicroBatchSize = microBatchSize;
        MicroBatches = problem.MicroBatches(microBatchSize);
        var nodes = problem.Network.Nodes;
        Path = shape.PathNodes.Select(n => nodes[n].Id).ToArray();
        Segments = shape.Segments
            .Select(s => new PlanSegment(nodes[s.Node].Id, s.FirstLayer, s.LastLayer, problem.MemoryBytes(s.FirstLayer, s.LastLayer), nodes[s.Node].MemoryBytes))
            .ToArray();
        Stages = shape.Stages().Select(s =>
        {
            var time = s.Time(problem, microBatchSize);
            var id = s.IsLink ? $"{nodes[s.From].Id}->{nodes[s.To].Id}" : nodes[s.Node].Id;
            return new PlanStage(s.IsLink ? StageKind.Link : StageKind.Compute, id, s.FirstLayer, s.LastLayer, time.Forward, time.Backward);
        }).ToArray();
        var costs = Stages.Select(s => s.CostSeconds).ToArray();
        LatencySeconds = Objective.Latency(costs, MicroBatches);
        var bottleneck = 0;
        for (var i = 1; i < costs.Length; i++)
        {
            if (costs[i] > costs[bottleneck]) bottleneck = i;
        }
        BottleneckIndex = bottleneck;
        Notes = notes;
    }

    /// <summary>Which algorithm produced the plan (bsp, sequential, even, two-tier, bottleneck, exhaustive).</summary>
    public string Algorithm { get; }
    public int BatchSize { get; }
    public int MicroBatchSize { get; }
    public int MicroBatches { get; }

    /// <summary>T(P, b) of MODEL.md section 5, in seconds per mini-batch.</summary>
    public double LatencySeconds { get; }

    public IReadOnlyList<string> Path { get; }
    public IReadOnlyList<PlanSegment> Segments { get; }
    public IReadOnlyList<PlanStage> Stages { get; }
    public int BottleneckIndex { get; }
    public PlanStage Bottleneck => Stages[BottleneckIndex];

    /// <summary>Things the user should know about how the plan was found.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The plan in index form, for the simulator and runtime.</summary>
    public PlanShape Shape { get; }
}
