using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// Exact min-sum plan over simple paths, for the thresholds at which the relaxed shortest walk
/// revisits a node. Depth-first branch and bound with the visited nodes in the state; the bound is
/// the relaxed cost-to-go (the same state graph searched backwards, revisits allowed), which never
/// overestimates, so the result is the true optimum.
/// </summary>
internal sealed class SimplePlanSearch
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly double[] _toGoArr;
    private readonly double[] _toGoDep;
    private readonly bool[] _visited;
    private readonly double[] _segmentCost;
    private readonly PriorityQueue<int, double> _heap = new();

    private int _b;
    private double _limit;
    private double _best;
    private long _expanded;
    private readonly List<int> _pathNodes = new();
    private readonly List<int> _pathLinks = new();
    private readonly List<SegmentPlacement> _segments = new();
    private PlanShape? _bestShape;

    public SimplePlanSearch(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _toGoArr = new double[(_layers + 1) * _nodes];
        _toGoDep = new double[(_layers + 1) * _nodes];
        _visited = new bool[_nodes];
        _segmentCost = new double[_layers];
    }

    /// <summary>Search states expanded by the last call.</summary>
    public long Expanded => _expanded;

    /// <summary>True when the last call stopped at its state budget: its plan (if any) is the best found, not proven best.</summary>
    public bool Exhausted => _expanded > _budget;

    private long _budget = long.MaxValue;

    /// <summary>The min-sum simple plan over edges with cost &lt; limit, or null when there is none.</summary>
    public PlanShape? Solve(int b, double limit, long stateBudget, out double sum)
    {
        _budget = stateBudget;
        _b = b;
        _limit = limit;
        _best = double.PositiveInfinity;
        _bestShape = null;
        _expanded = 0;
        ComputeCostToGo();

        var source = _problem.Network.SourceIndex;
        if (!double.IsPositiveInfinity(_toGoArr[source]))
        {
            Array.Clear(_visited);
            _visited[source] = true;
            _pathNodes.Clear();
            _pathLinks.Clear();
            _segments.Clear();
            _pathNodes.Add(source);
            AtArrival(0, source, 0);
        }
        sum = _best;
        return _bestShape;
    }

    private bool TerminalAllowed(int node) => _problem.Network.SinkIndex < 0 || _problem.Network.SinkIndex == node;

    /// <summary>Relaxed min-sum cost from every vertex to the end, levels from last to first.</summary>
    private void ComputeCostToGo()
    {
        Array.Fill(_toGoArr, double.PositiveInfinity);
        Array.Fill(_toGoDep, double.PositiveInfinity);
        var network = _problem.Network;
        for (var n = 0; n < _nodes; n++)
        {
            if (TerminalAllowed(n)) _toGoDep[_layers * _nodes + n] = 0;
        }
        for (var j = _layers - 1; j >= 0; j--)
        {
            var offset = j * _nodes;
            for (var n = 0; n < _nodes; n++)
            {
                if (!_problem.CanCompute(n)) continue;
                var best = double.PositiveInfinity;
                var segments = _problem.SegmentCosts(n, j, _b, _limit, _segmentCost);
                for (var k = 0; k < segments; k++) best = Math.Min(best, _segmentCost[k] + _toGoDep[(j + k + 1) * _nodes + n]);
                _toGoArr[offset + n] = best;
            }
            if (j == 0) break; // raw samples never leave the source: no link edges at level 0
            // Arrival vertices may also relay: Dijkstra over reversed link edges.
            _heap.Clear();
            for (var n = 0; n < _nodes; n++)
            {
                if (!double.IsPositiveInfinity(_toGoArr[offset + n])) _heap.Enqueue(n, _toGoArr[offset + n]);
            }
            while (_heap.TryDequeue(out var v, out var distance))
            {
                if (distance > _toGoArr[offset + v]) continue;
                foreach (var hop in network.Incoming(v))
                {
                    var cost = _problem.LinkCost(hop.Link, j - 1, _b);
                    if (!(cost < _limit)) continue;
                    if (distance + cost < _toGoArr[offset + hop.From])
                    {
                        _toGoArr[offset + hop.From] = distance + cost;
                        _heap.Enqueue(hop.From, distance + cost);
                    }
                }
            }
            for (var u = 0; u < _nodes; u++)
            {
                var best = double.PositiveInfinity;
                foreach (var hop in network.Outgoing(u))
                {
                    var cost = _problem.LinkCost(hop.Link, j - 1, _b);
                    if (cost < _limit) best = Math.Min(best, cost + _toGoArr[offset + hop.To]);
                }
                _toGoDep[offset + u] = best;
            }
        }
    }

    private void AtArrival(int level, int node, double cost)
    {
        if (++_expanded > _budget) return;
        if (_problem.CanCompute(node) && (level > 0 || node == _problem.Network.SourceIndex))
        {
            var segments = _problem.SegmentCosts(node, level, _b, _limit, _segmentCost);
            var stages = _segmentCost.AsSpan(0, segments).ToArray(); // deeper levels reuse the buffer
            for (var k = 0; k < segments; k++)
            {
                var last = level + k;
                var next = cost + stages[k];
                if (!(next + _toGoDep[(last + 1) * _nodes + node] < _best)) continue;
                _segments.Add(new SegmentPlacement(node, level, last));
                AtDeparture(last + 1, node, next);
                _segments.RemoveAt(_segments.Count - 1);
            }
        }
        if (level > 0) Forward(level, node, cost);
    }

    private void AtDeparture(int level, int node, double cost)
    {
        if (++_expanded > _budget) return;
        if (level == _layers)
        {
            if (TerminalAllowed(node) && cost < _best)
            {
                _best = cost;
                _bestShape = new PlanShape(_pathNodes.ToArray(), _pathLinks.ToArray(), _segments.ToArray());
            }
            return;
        }
        Forward(level, node, cost);
    }

    private void Forward(int level, int node, double cost)
    {
        foreach (var hop in _problem.Network.Outgoing(node))
        {
            if (_visited[hop.To]) continue;
            var stage = _problem.LinkCost(hop.Link, level - 1, _b);
            if (!(stage < _limit)) continue;
            var next = cost + stage;
            if (!(next + _toGoArr[level * _nodes + hop.To] < _best)) continue;
            _visited[hop.To] = true;
            _pathNodes.Add(hop.To);
            _pathLinks.Add(hop.Link);
            AtArrival(level, hop.To, next);
            _pathNodes.RemoveAt(_pathNodes.Count - 1);
            _pathLinks.RemoveAt(_pathLinks.Count - 1);
            _visited[hop.To] = false;
        }
    }
}
