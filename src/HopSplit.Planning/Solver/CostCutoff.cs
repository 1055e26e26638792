namespace HopSplit.Planning.Solver;

/// <summary>
/// Which partial plans are still worth extending: those whose cost so far plus a lower bound on the
/// cost-to-go stays below a known upper bound (a plan already found, or what a threshold range may
/// cost before it cannot beat the incumbent). A search that keeps only those states finds every
/// plan below the bound, and proves there is none when it finds nothing.
/// </summary>
internal readonly struct CostCutoff
{
    /// <summary>
    /// The search adds costs as prefix-sum differences, the plan's own sum adds them stage by stage:
    /// they may differ in the last bits, so a plan costing exactly the bound must not be cut for that.
    /// </summary>
    private const double RelativeSlack = 1e-10;

    private readonly RelaxedCostToGo? _toGo;
    private readonly double _bound;
    private readonly double _limit;

    public CostCutoff(RelaxedCostToGo toGo, double bound)
    {
        _toGo = toGo;
        _bound = bound;
        _limit = bound + RelativeSlack * Math.Abs(bound);
    }

    /// <summary>Whether a sum counts as below a bound, with the same slack as the cutoff.</summary>
    public static bool IsBelow(double sum, double bound) => sum < bound + RelativeSlack * Math.Abs(bound);

    /// <summary>Keeps every state: no bound known.</summary>
    public static CostCutoff None => default;

    /// <summary>The sum no kept state can reach (infinity for <see cref="None"/>).</summary>
    public double Bound => _toGo is null ? double.PositiveInfinity : _bound;

    /// <summary>The node's bit in the sets of visited nodes the cost-to-go can avoid (0: none, or no cost-to-go).</summary>
    public int RememberedBit(int node) => _toGo is null ? 0 : _toGo.RememberedBit(node);

    /// <summary>Whether an arrival at this cost, having visited the remembered nodes of <paramref name="visited"/>, may still finish below the bound.</summary>
    public bool KeepsArrival(int level, int node, double distance, int visited = 0) =>
        _toGo is null || distance + _toGo.ArrivalAvoiding(level, node, visited) < _limit;

    public bool KeepsDeparture(int level, int node, double distance, int visited = 0) =>
        _toGo is null || distance + _toGo.DepartureAvoiding(level, node, visited) < _limit;
}
