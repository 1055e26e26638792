using HopSplit.Planning;
using HopSplit.Planning.Costs;
using Microsoft.Extensions.Logging;

namespace HopSplit.Distributed.Recovery;

/// <summary>What a <see cref="ResilientTrainer"/> needs: the problem it plans, the workers, and how often to checkpoint.</summary>
public sealed class ResilientTrainerOptions
{
    /// <summary>The model, the network and the job. Only nodes with a worker in <see cref="Trainer"/> compute; the others may relay.</summary>
    public required PlanningProblem Problem { get; init; }

    /// <summary>The workers (node id to address), token, seed, SGD settings, schedule and heartbeat.</summary>
    public required DistributedTrainerOptions Trainer { get; init; }

    /// <summary>How the planner plans, at start and after every failure or drift.</summary>
    public PlannerOptions Planner { get; init; } = new();

    /// <summary>Checkpoint after every this many completed steps (1 by default: no completed step has to be replayed).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>
    /// Where checkpoint files go (one per checkpoint, written atomically, the newest two kept); a run started on a folder
    /// with a checkpoint resumes from it. Null keeps the last checkpoint in memory only: it survives dead workers, not a
    /// dead coordinator.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Re-plan when measured node speeds drift from the plan's; null (the default) never does.</summary>
    public DriftOptions? Drift { get; init; }

    /// <summary>
    /// Every this many completed steps (5 by default; 0 never), ping the workers of dead nodes; one that answers again is
    /// offered back: re-planned with, and taken when the plan's T gains at least <see cref="DriftOptions.MinimumGain"/>
    /// (of <see cref="Drift"/>, or the default 10%). A node declined is offered again after the next change of plan.
    /// </summary>
    public int RejoinEvery { get; init; } = 5;

    /// <summary>Where decisions are logged (information) and failures (warning); nothing by default.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Hears every decision as it is taken (e.g. to print it).</summary>
    public Action<TrainingDecision>? Decided { get; init; }
}
