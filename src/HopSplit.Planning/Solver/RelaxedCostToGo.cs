using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The min-sum cost from every vertex of the state graph to the end, over edges with cost &lt; limit,
/// revisits allowed. Revisits only remove constraints, so this never overestimates the cost-to-go of
/// a simple plan: it is the bound that lets the tracked search and the branch and bound drop states
/// that cannot beat a known plan. Computed backwards level by level: compute edges with a sliding-window
/// minimum (the same monotone-window argument as the forward search, mirrored), link edges with a
/// Dijkstra over reversed links.
/// </summary>
internal sealed class RelaxedCostToGo
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly double[] _arrival;
    private readonly double[] _departure;
    private readonly double[] _linkCost;
    private readonly int[] _windowEnd;    // per node: one past the last layer a segment starting at this level may end at
    private readonly int[] _window;       // per node: candidate end levels, best value at the tail
    private readonly double[] _windowValue;
    private readonly int[] _windowHead;
    private readonly int[] _windowTail;
    private readonly PriorityQueue<int, double> _heap = new();

    public RelaxedCostToGo(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _arrival = new double[(_layers + 1) * _nodes];
        _departure = new double[(_layers + 1) * _nodes];
        _linkCost = new double[problem.Network.Links.Count];
        _windowEnd = new int[_nodes];
        _window = new int[_nodes * (_layers + 1)];
        _windowValue = new double[_nodes * (_layers + 1)];
        _windowHead = new int[_nodes];
        _windowTail = new int[_nodes];
    }

    /// <summary>Lower bound on the cost from Arr(level, node) to the end (infinity: no way to finish).</summary>
    public double Arrival(int level, int node) => _arrival[level * _nodes + node];

    /// <summary>Lower bound on the cost from Dep(level, node) to the end.</summary>
    public double Departure(int level, int node) => _departure[level * _nodes + node];

    /// <summary>The relaxed min-sum of a whole plan: the cost-to-go of the source's start vertex.</summary>
    public double FromSource => Arrival(0, _problem.Network.SourceIndex);

    public void Compute(int b, double limit)
    {
        Array.Fill(_arrival, double.PositiveInfinity);
        Array.Fill(_departure, double.PositiveInfinity);
        var sink = _problem.Network.SinkIndex;
        for (var n = 0; n < _nodes; n++)
        {
            if (sink < 0 || sink == n) _departure[_layers * _nodes + n] = 0;
            _windowEnd[n] = _layers;
            _windowHead[n] = _windowTail[n] = _layers + 1; // the deque grows towards lower indices
        }
        for (var level = _layers - 1; level >= 0; level--)
        {
            RelaxCompute(level, b, limit);
            if (level > 0) RelaxLinks(level, b, limit); // raw samples never leave the source: no links at level 0
        }
    }

    /// <summary>
    /// Arr(level, n) = min over allowed ends t of prefix(t) + Dep(t, n), minus prefix(level), plus 2o.
    /// The last allowed end only moves down as the start does, so a monotone deque per node keeps
    /// the minimum: new candidates enter at the head, ends that became too long leave at the tail.
    /// </summary>
    private void RelaxCompute(int level, int b, double limit)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            while (_windowEnd[n] > level && !_problem.SegmentAllowed(n, level, _windowEnd[n] - 1, b, limit)) _windowEnd[n]--;
            var offset = n * (_layers + 1);
            ref var head = ref _windowHead[n];
            ref var tail = ref _windowTail[n];
            var candidate = level + 1;
            var toGo = _departure[candidate * _nodes + n];
            if (!double.IsPositiveInfinity(toGo))
            {
                var value = _problem.PrefixWorkSeconds(n, candidate, b) + toGo;
                while (head < tail && _windowValue[offset + head] >= value) head++;
                head--;
                _window[offset + head] = candidate;
                _windowValue[offset + head] = value;
            }
            while (head < tail && _window[offset + tail - 1] > _windowEnd[n]) tail--;
            if (head == tail) continue;
            _arrival[level * _nodes + n] = _windowValue[offset + tail - 1] - _problem.PrefixWorkSeconds(n, level, b) + 2 * _problem.OverheadSeconds(n);
        }
    }

    private void RelaxLinks(int level, int b, double limit)
    {
        var network = _problem.Network;
        for (var link = 0; link < _linkCost.Length; link++) _linkCost[link] = _problem.LinkCost(link, level - 1, b);
        var offset = level * _nodes;
        // Arrival vertices may also relay.
        _heap.Clear();
        for (var n = 0; n < _nodes; n++)
        {
            if (!double.IsPositiveInfinity(_arrival[offset + n])) _heap.Enqueue(n, _arrival[offset + n]);
        }
        while (_heap.TryDequeue(out var v, out var distance))
        {
            if (distance > _arrival[offset + v]) continue; // stale entry
            foreach (var hop in network.Incoming(v))
            {
                var cost = _linkCost[hop.Link];
                if (!(cost < limit) || !(distance + cost < _arrival[offset + hop.From])) continue;
                _arrival[offset + hop.From] = distance + cost;
                _heap.Enqueue(hop.From, distance + cost);
            }
        }
        for (var u = 0; u < _nodes; u++)
        {
            var best = double.PositiveInfinity;
            foreach (var hop in network.Outgoing(u))
            {
                var cost = _linkCost[hop.Link];
                if (cost < limit) best = Math.Min(best, cost + _arrival[offset + hop.To]);
            }
            _departure[offset + u] = best;
        }
    }
}
