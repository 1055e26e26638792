using System.Runtime.CompilerServices;
using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The min-sum cost from every vertex of the state graph to the end, over edges with cost &lt; limit,
/// revisits allowed. Revisits only remove constraints, so this never overestimates the cost-to-go of
/// a simple plan: it is the bound that lets the tracked search and the branch and bound drop states
/// that cannot beat a known plan. Computed backwards level by level: compute edges with a sliding-window
/// minimum (the same monotone-window argument as the forward search, mirrored), link edges with a
/// Dijkstra over reversed links.
/// <para>
/// The hot loops are marked <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>:
/// a one-shot <c>hopsplit plan</c> would otherwise run its first solves in unoptimized tier-0 code
/// (tiered compilation promotes a method only after 30 calls), about twice as slow (docs/planner.md).
/// </para>
/// </summary>
internal sealed class RelaxedCostToGo
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly double[] _arrival;
    private readonly double[] _departure;
    private readonly LevelCosts _costs;
    private readonly int[] _windowEnd;    // per node: one past the last layer a segment starting at this level may end at
    private readonly int[] _window;       // per node: candidate end levels, best value at the tail
    private readonly double[] _windowValue;
    private readonly int[] _windowHead;
    private readonly int[] _windowTail;
    private readonly IndexedMinHeap _heap;
    // How each vertex reaches its cost-to-go, so that the relaxed optimum can be followed forwards:
    // an arrival computes up to _arrivalEnd (or relays when it is -1) over _arrivalLink to _arrivalTo;
    // a departure forwards over _departureLink to _departureTo.
    private readonly int[] _arrivalEnd;
    private readonly int[] _arrivalLink;
    private readonly int[] _arrivalTo;
    private readonly int[] _departureLink;
    private readonly int[] _departureTo;
    private int _computedB;
    private double _computedLimit = double.NaN;

    public RelaxedCostToGo(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _arrival = new double[(_layers + 1) * _nodes];
        _departure = new double[(_layers + 1) * _nodes];
        _costs = new LevelCosts(problem);
        _heap = new IndexedMinHeap(_nodes);
        _arrivalEnd = new int[(_layers + 1) * _nodes];
        _arrivalLink = new int[(_layers + 1) * _nodes];
        _arrivalTo = new int[(_layers + 1) * _nodes];
        _departureLink = new int[(_layers + 1) * _nodes];
        _departureTo = new int[(_layers + 1) * _nodes];
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

    /// <summary>States one computation holds: an arrival and a departure vertex per level and node (the forward search counts them alike).</summary>
    public long States => (long)(_layers + 1) * _nodes;

    /// <summary>The relaxed min-sum of a whole plan: the cost-to-go of the source's start vertex.</summary>
    public double FromSource => Arrival(0, _problem.Network.SourceIndex);

    /// <summary>
    /// Computes the cost-to-go for b and limit; nothing to do when the last call had the same ones
    /// (the solver asks for it from several places for one threshold).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(int b, double limit)
    {
        if (b == _computedB && limit.Equals(_computedLimit)) return;
        _computedB = b;
        _computedLimit = limit;
        _costs.Prepare(b);
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
            RelaxCompute(level, limit);
            if (level > 0) RelaxLinks(level, limit); // raw samples never leave the source: no links at level 0
        }
    }

    /// <summary>
    /// Arr(level, n) = min over allowed ends t of prefix(t) + Dep(t, n), minus prefix(level), plus 2o.
    /// The last allowed end only moves down as the start does, so a monotone deque per node keeps
    /// the minimum: new candidates enter at the head, ends that became too long leave at the tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxCompute(int level, double limit)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            while (_windowEnd[n] > level && !_costs.SegmentAllowed(n, level, _windowEnd[n] - 1, limit)) _windowEnd[n]--;
            var offset = n * (_layers + 1);
            ref var head = ref _windowHead[n];
            ref var tail = ref _windowTail[n];
            var candidate = level + 1;
            var toGo = _departure[candidate * _nodes + n];
            if (!double.IsPositiveInfinity(toGo))
            {
                var value = _costs.PrefixWork(n, candidate) + toGo;
                while (head < tail && _windowValue[offset + head] >= value) head++;
                head--;
                _window[offset + head] = candidate;
                _windowValue[offset + head] = value;
            }
            while (head < tail && _window[offset + tail - 1] > _windowEnd[n]) tail--;
            if (head == tail) continue;
            _arrival[level * _nodes + n] = _windowValue[offset + tail - 1] - _costs.PrefixWork(n, level) + 2 * _problem.OverheadSeconds(n);
            _arrivalEnd[level * _nodes + n] = _window[offset + tail - 1];
        }
    }

    /// <summary>
    /// Arrival vertices may also relay: Arr(level, u) improves over a link to Arr(level, v). Every
    /// finite arrival relays once; only the arrivals that improved need a Dijkstra after that (any
    /// arrival at most as large as the one popped has already relayed its final value), so the heap
    /// holds the few relays instead of every node.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxLinks(int level, double limit)
    {
        var linkCost = _costs.LinkCosts(level - 1);
        var offset = level * _nodes;
        _heap.Clear();
        for (var v = 0; v < _nodes; v++)
        {
            var distance = _arrival[offset + v];
            if (!double.IsPositiveInfinity(distance)) RelayInto(v, distance, offset, linkCost, limit);
        }
        while (_heap.TryPop(out var v, out var distance)) RelayInto(v, distance, offset, linkCost, limit);
        DeparturesFromArrivals(offset, linkCost, limit);
    }

    /// <summary>Relaxes the links into v: the nodes they come from may reach v's arrival and go on from there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelayInto(int v, double distance, int offset, ReadOnlySpan<double> linkCost, double limit)
    {
        foreach (var hop in _problem.Network.Incoming(v))
        {
            var candidate = distance + linkCost[hop.Link];
            if (!(linkCost[hop.Link] < limit) || !(candidate < _arrival[offset + hop.From])) continue;
            _arrival[offset + hop.From] = candidate;
            _arrivalEnd[offset + hop.From] = -1;
            _arrivalLink[offset + hop.From] = hop.Link;
            _arrivalTo[offset + hop.From] = v;
            _heap.InsertOrDecrease(hop.From, candidate);
        }
    }

    /// <summary>Dep(level, u): a departure must forward, over the link that reaches the cheapest arrival.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeparturesFromArrivals(int offset, ReadOnlySpan<double> linkCost, double limit)
    {
        var network = _problem.Network;
        for (var u = 0; u < _nodes; u++)
        {
            var best = double.PositiveInfinity;
            foreach (var hop in network.Outgoing(u))
            {
                var cost = linkCost[hop.Link];
                if (!(cost < limit) || !(cost + _arrival[offset + hop.To] < best)) continue;
                best = cost + _arrival[offset + hop.To];
                _departureLink[offset + u] = hop.Link;
                _departureTo[offset + u] = hop.To;
            }
            _departure[offset + u] = best;
        }
    }

    /// <summary>
    /// The relaxed optimum itself (the walk whose sum is <see cref="FromSource"/>), followed forwards
    /// from the source; null when no walk finishes. It may revisit nodes: it is what the untracked
    /// forward search would find, at no extra search.
    /// </summary>
    public Walk? Walk()
    {
        if (double.IsPositiveInfinity(FromSource)) return null;
        var node = _problem.Network.SourceIndex;
        var nodes = new List<int> { node };
        var links = new List<int>();
        var segments = new List<SegmentPlacement>();
        var level = 0;
        while (level < _layers)
        {
            var arrival = level * _nodes + node;
            var end = _arrivalEnd[arrival];
            if (end < 0)
            {
                links.Add(_arrivalLink[arrival]);
                node = _arrivalTo[arrival];
                nodes.Add(node);
                continue;
            }
            segments.Add(new SegmentPlacement(node, level, end - 1));
            level = end;
            if (level == _layers) break;
            var departure = level * _nodes + node;
            links.Add(_departureLink[departure]);
            node = _departureTo[departure];
            nodes.Add(node);
        }
        return new Walk(nodes, links, segments);
    }
}
