namespace HopSplit.Distributed;

/// <summary>How activations and gradients travel between the workers of consecutive segments.</summary>
public enum FrameRouting
{
    /// <summary>Every frame goes back to the coordinator, which hands it to the next segment's worker (and emulates the links).</summary>
    ViaCoordinator,

    /// <summary>
    /// Each worker sends its outputs straight to the next segment's worker and its input gradients to the previous one's;
    /// the coordinator sends only inputs and labels, orders the schedule with header-only requests and collects losses
    /// and timings. Each worker sends from a bounded outbox per neighbour while it runs its next passes (a node computes
    /// the next micro-batch while the link carries the last one), and measures every send (bytes and seconds), which is
    /// what link drift is judged on.
    /// </summary>
    Direct,
}
