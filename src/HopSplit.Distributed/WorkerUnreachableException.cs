using HopSplit.Runtime;

namespace HopSplit.Distributed;

/// <summary>
/// A worker stopped answering (its process died, its host or the network went away): unlike a refused frame this is
/// recoverable, by re-planning without it (<see cref="Recovery.ResilientTrainer"/>). The message names the dead workers
/// and the nodes they served.
/// </summary>
public sealed class WorkerUnreachableException : DistributedStageException
{
    private WorkerUnreachableException(PipelineStage stage, Uri worker, IReadOnlyList<Uri> deadWorkers, IReadOnlyList<string> deadNodes, Exception inner)
        : base(stage, worker, $"a step: worker(s) {string.Join(", ", deadWorkers)} (node(s) {string.Join(", ", deadNodes)}) do not answer", inner)
    {
        DeadWorkers = deadWorkers;
        DeadNodes = deadNodes;
    }

    /// <summary>The workers that did not answer a ping.</summary>
    public IReadOnlyList<Uri> DeadWorkers { get; }

    /// <summary>The plan's nodes those workers served.</summary>
    public IReadOnlyList<string> DeadNodes { get; }

    internal static WorkerUnreachableException For(DistributedTrainer trainer, IReadOnlyList<Uri> dead, Exception inner)
    {
        var stages = trainer.Assignments.Where(a => dead.Contains(a.Worker)).ToArray();
        var first = stages.FirstOrDefault();
        return new WorkerUnreachableException(first.Stage ?? trainer.Layout.ComputeStages.First(), first.Worker ?? dead[0], dead,
            stages.Select(s => s.Stage.Id).Distinct().ToArray(), inner);
    }
}
