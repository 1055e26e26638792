namespace HopSplit.Planning.Solver;

/// <summary>How much work one threshold's exact search may do before the solver falls back.</summary>
/// <param name="TrackedStates">States one tracked search may hold (29 bytes each: 2^22 take about 120 MB) before branch and bound takes over.</param>
/// <param name="BlockTable">(level, mask) blocks a tracked-node set may lay out: caps how many nodes can be tracked.</param>
/// <param name="BranchAndBoundStates">States one branch-and-bound search may expand before it settles for the best plan it found.</param>
/// <param name="NgNeighbours">Fastest nodes the ng-route bound remembers (2^k memories per vertex; 0: never use it).</param>
internal readonly record struct SearchBudgets(long TrackedStates, long BlockTable, long BranchAndBoundStates, int NgNeighbours = 4)
{
    public static SearchBudgets Default => new(1L << 22, 1L << 22, 200_000);
}
