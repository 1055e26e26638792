using HopSplit.Planning.Model;

namespace HopSplit.Planning.Simulation;

/// <summary>One task as it ran: which resource, which stage, which pass of which micro-batch, and when.</summary>
/// <param name="ResourceId">The stage's id: the node id, or "from->to" for a link.</param>
/// <param name="StageIndex">0-based position of the stage in the pipeline.</param>
/// <param name="Direction">Forward (F) or backward (B).</param>
/// <param name="MicroBatch">0-based micro-batch index.</param>
/// <param name="StartSeconds">When the resource started the task.</param>
/// <param name="EndSeconds">When the task finished.</param>
public readonly record struct ScheduledTask(
    string ResourceId, int StageIndex, TaskDirection Direction, int MicroBatch, double StartSeconds, double EndSeconds)
{
    public double DurationSeconds => EndSeconds - StartSeconds;
}

/// <summary>How one resource spent the makespan.</summary>
/// <param name="StageIndex">0-based position of its stage in the pipeline.</param>
/// <param name="Id">The node id, or "from->to" for a link.</param>
/// <param name="Kind">Compute (a node) or link.</param>
/// <param name="BusySeconds">Time spent running tasks.</param>
/// <param name="IdleSeconds">Makespan minus busy time.</param>
/// <param name="Utilization">Busy time over makespan, 0..1 (0 when the makespan is 0).</param>
public sealed record ResourceUsage(int StageIndex, string Id, StageKind Kind, double BusySeconds, double IdleSeconds, double Utilization)
{
    /// <summary>A readable resource name, such as "node phone" or "link phone->ap".</summary>
    public string ResourceName => new SimulatedStage(Kind, Id).ResourceName;
}

/// <summary>The outcome of simulating one mini-batch under a schedule.</summary>
public sealed class SimulationResult
{
    internal SimulationResult(
        ScheduleKind schedule, int microBatches, double makespanSeconds,
        IReadOnlyList<ResourceUsage> resources, IReadOnlyList<ScheduledTask> timeline)
    {
        Schedule = schedule;
        MicroBatches = microBatches;
        MakespanSeconds = makespanSeconds;
        Resources = resources;
        Timeline = timeline;
    }

    public ScheduleKind Schedule { get; }

    /// <summary>M: the number of micro-batches simulated.</summary>
    public int MicroBatches { get; }

    /// <summary>When the last task finished: the time one mini-batch takes under this schedule.</summary>
    public double MakespanSeconds { get; }

    /// <summary>One entry per stage, in pipeline order.</summary>
    public IReadOnlyList<ResourceUsage> Resources { get; }

    /// <summary>Every task (2 S M of them), ordered by start time, then stage, then the stage's own order.</summary>
    public IReadOnlyList<ScheduledTask> Timeline { get; }
}
