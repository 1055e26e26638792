namespace HopSplit.Distributed.Recovery;

/// <summary>What the resilient trainer decided on its own.</summary>
public enum DecisionKind
{
    /// <summary>Resumed a run from a checkpoint file at start.</summary>
    Resumed,
    /// <summary>A worker stopped answering: its node was dropped, the plan remade on the survivors and the last checkpoint restored.</summary>
    Recovered,
    /// <summary>Measured speeds drifted from the plan's: a plan with corrected speeds replaced the running one.</summary>
    Replanned,
    /// <summary>Measured speeds drifted (or a dead node's worker answered again), but the new plan was not better by the margin: the plan stays.</summary>
    KeptPlan,
    /// <summary>The worker of a dead node answered again and a plan with it was better by the margin: it was taken back.</summary>
    Rejoined,
}

/// <summary>One decision, in the words it was logged with.</summary>
/// <param name="Step">The step (0-based) it was taken at.</param>
/// <param name="Kind">What was decided.</param>
/// <param name="Message">The logged line: what happened, what the plans' T were, what was restored.</param>
/// <param name="Seconds">How long acting on it took (re-planning, reconnecting, restoring), 0 when nothing changed.</param>
public sealed record TrainingDecision(long Step, DecisionKind Kind, string Message, double Seconds);
