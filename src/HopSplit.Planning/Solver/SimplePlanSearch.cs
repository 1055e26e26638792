using System.Runtime.InteropServices;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Solver;

/// <summary>
/// Exact min-sum plan over simple paths, for the thresholds at which the tracked state space would
/// outgrow its budget. Depth-first branch and bound with the visited nodes in the state. The bound
/// is the relaxed cost-to-go (revisits allowed), which never overestimates; children are tried in
/// order of that bound, so the first dive follows the relaxed optimum as far as a simple path can;
/// and the search starts from a known upper bound, so it only looks for strictly better plans.
/// When it stops at its budget, the smallest bound among the children it left unexplored is a
/// certified lower bound on the subproblem.
/// </summary>
internal sealed class SimplePlanSearch
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly bool[] _visited;
    private readonly double[] _segmentCost;

    private RelaxedCostToGo _toGo = null!;
    private int _b;
    private double _limit;
    private double _best;
    private long _expanded;
    private long _budget = long.MaxValue;
    private double _unexploredBound;
    private bool _stopAtFirstPlan;
    private readonly List<int> _pathNodes = new();
    private readonly List<int> _pathLinks = new();
    private readonly List<SegmentPlacement> _segments = new();
    private readonly List<Move> _moves = new(); // the moves of every state on the current path, each state's after its parent's
    private static readonly Comparison<Move> ByBound = (x, y) => x.Bound.CompareTo(y.Bound);
    private PlanShape? _bestShape;

    /// <summary>A way to extend the current partial plan: a segment of <see cref="Length"/> layers, or a hop.</summary>
    private readonly record struct Move(double Bound, double Cost, int Length, LinkHop Hop);

    public SimplePlanSearch(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _visited = new bool[problem.NodeCount];
        _segmentCost = new double[_layers];
    }

    /// <summary>Search states expanded by the last call.</summary>
    public long Expanded => _expanded;

    /// <summary>True when the last call stopped at its state budget: its plan (if any) is the best found, not proven best.</summary>
    public bool Exhausted => !double.IsPositiveInfinity(_unexploredBound);

    /// <summary>
    /// Every simple plan below the limit costs at least this much (the last call's certified bound):
    /// the plan's sum when the search finished, otherwise the smallest bound it left unexplored.
    /// </summary>
    public double LowerBound => Math.Min(_best, _unexploredBound);

    /// <summary>
    /// The min-sum simple plan over edges with cost &lt; limit that costs less than
    /// <paramref name="upperBound"/>, or null when there is none (or none was found within the budget).
    /// <paramref name="toGo"/> must hold the relaxed cost-to-go for the same b and limit.
    /// </summary>
    public PlanShape? Solve(int b, double limit, long stateBudget, double upperBound, RelaxedCostToGo toGo, out double sum)
    {
        _budget = stateBudget;
        _toGo = toGo;
        _b = b;
        _limit = limit;
        _best = upperBound;
        _bestShape = null;
        _moves.Clear();
        _expanded = 0;
        _unexploredBound = double.PositiveInfinity;

        var source = _problem.Network.SourceIndex;
        if (toGo.FromSource < _best)
        {
            Array.Clear(_visited);
            _visited[source] = true;
            _pathNodes.Clear();
            _pathLinks.Clear();
            _segments.Clear();
            _pathNodes.Add(source);
            AtArrival(0, source, 0);
        }
        sum = _bestShape is null ? double.PositiveInfinity : _best;
        return _bestShape;
    }

    /// <summary>
    /// Any simple plan over edges with cost &lt; limit (the first one the bound-ordered search
    /// reaches, usually on its first dive), or null when there is none. Unbudgeted: the last resort
    /// when budgeted searches found no plan at all but could not prove that none exists.
    /// </summary>
    public PlanShape? AnyPlan(int b, double limit, RelaxedCostToGo toGo)
    {
        _stopAtFirstPlan = true;
        try
        {
            return Solve(b, limit, long.MaxValue, double.PositiveInfinity, toGo, out _);
        }
        finally
        {
            _stopAtFirstPlan = false;
        }
    }

    private bool TerminalAllowed(int node) => _problem.Network.SinkIndex < 0 || _problem.Network.SinkIndex == node;

    private void AtArrival(int level, int node, double cost)
    {
        _expanded++;
        var first = _moves.Count;
        if (_problem.CanCompute(node) && (level > 0 || node == _problem.Network.SourceIndex))
        {
            var segments = _problem.SegmentCosts(node, level, _b, _limit, _segmentCost);
            for (var k = 0; k < segments; k++)
            {
                var next = cost + _segmentCost[k];
                _moves.Add(new Move(next + _toGo.Departure(level + k + 1, node), next, k + 1, default));
            }
        }
        if (level > 0) AddHops(level, node, cost);
        var count = _moves.Count - first;
        CollectionsMarshal.AsSpan(_moves).Slice(first, count).Sort(ByBound);
        for (var i = first; i < first + count; i++)
        {
            var move = _moves[i]; // read by index: deeper states append to the list and may move it
            if (!Explore(move.Bound)) continue;
            if (move.Length == 0)
            {
                Hop(level, move);
                continue;
            }
            var last = level + move.Length - 1;
            _segments.Add(new SegmentPlacement(node, level, last));
            AtDeparture(last + 1, node, move.Cost);
            _segments.RemoveAt(_segments.Count - 1);
        }
        _moves.RemoveRange(first, _moves.Count - first);
    }

    private void AtDeparture(int level, int node, double cost)
    {
        _expanded++;
        if (level == _layers)
        {
            if (TerminalAllowed(node) && cost < _best)
            {
                _best = cost;
                _bestShape = new PlanShape(_pathNodes.ToArray(), _pathLinks.ToArray(), _segments.ToArray());
            }
            return;
        }
        var first = _moves.Count;
        AddHops(level, node, cost);
        var count = _moves.Count - first;
        CollectionsMarshal.AsSpan(_moves).Slice(first, count).Sort(ByBound);
        for (var i = first; i < first + count; i++)
        {
            var move = _moves[i];
            if (Explore(move.Bound)) Hop(level, move);
        }
        _moves.RemoveRange(first, _moves.Count - first);
    }

    /// <summary>
    /// Whether to descend into a child with this bound: not when it cannot beat the best plan, and
    /// not past the budget, where its bound is kept instead as part of the certified lower bound.
    /// </summary>
    private bool Explore(double bound)
    {
        if (!(bound < _best) || (_stopAtFirstPlan && _bestShape is not null)) return false;
        if (_expanded <= _budget) return true;
        _unexploredBound = Math.Min(_unexploredBound, bound);
        return false;
    }

    private void AddHops(int level, int node, double cost)
    {
        foreach (var hop in _problem.Network.Outgoing(node))
        {
            if (_visited[hop.To]) continue;
            var stage = _problem.LinkCost(hop.Link, level - 1, _b);
            if (!(stage < _limit)) continue;
            var next = cost + stage;
            _moves.Add(new Move(next + _toGo.Arrival(level, hop.To), next, 0, hop));
        }
    }

    private void Hop(int level, Move move)
    {
        var to = move.Hop.To;
        _visited[to] = true;
        _pathNodes.Add(to);
        _pathLinks.Add(move.Hop.Link);
        AtArrival(level, to, move.Cost);
        _pathNodes.RemoveAt(_pathNodes.Count - 1);
        _pathLinks.RemoveAt(_pathLinks.Count - 1);
        _visited[to] = false;
    }
}
