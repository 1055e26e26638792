using System.Runtime.CompilerServices;
using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The min-sum cost from every vertex of the state graph to the end, over edges with cost &lt; limit,
/// some revisits allowed. Revisits only remove constraints, so this never overestimates the cost-to-go of
/// a simple plan: it is the bound that lets the tracked search and the branch and bound drop states
/// that cannot beat a known plan. Computed backwards level by level: compute edges with a sliding-window
/// minimum (the same monotone-window argument as the forward search, mirrored), link edges with a
/// Dijkstra over reversed links.
/// <para>
/// With k &gt; 0 remembered nodes it is an ng-route relaxation (see <see cref="RememberedNodes"/>):
/// each state also remembers which of the k fastest nodes the rest of the walk visits, and a link
/// onto a remembered node is forbidden. Every simple plan is still a walk of that graph, so the bound
/// stays valid, but the cycles back to fast nodes that make the plain relaxation weak on meshes are
/// gone. A forward state that has visited some remembered nodes may read the bound of the memories
/// that avoid them (<see cref="ArrivalAvoiding"/>), stronger still. k = 0 is the plain relaxation
/// (one state per vertex).
/// </para>
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
    private readonly int _masks;          // memory sets per node: 2^k
    private readonly int _memoryBits;     // k: a (node, memory) index is node << k | memory
    private readonly RememberedNodes _ng;
    // Per (level, node, memory): the cost-to-go.
    private readonly double[] _arrival;
    private readonly double[] _departure;
    // Per (level, node, avoided set): the least cost-to-go over the memories that avoid it (the public bounds).
    private readonly double[] _arrivalAvoiding;
    private readonly double[] _departureAvoiding;
    private readonly LevelCosts _costs;
    private readonly int[] _windowEnd;    // per node: one past the last layer a segment starting at this level may end at
    private readonly int[] _window;       // per (node, memory): candidate end levels, best value at the tail
    private readonly double[] _windowValue;
    private readonly int[] _windowHead;
    private readonly int[] _windowTail;
    private readonly IndexedMinHeap _heap;
    // How each state reaches its cost-to-go, so that the relaxed optimum can be followed forwards:
    // an arrival computes up to _arrivalEnd (or relays when it is -1) over _arrivalLink to the
    // (node, memory) _arrivalTo; a departure forwards over _departureLink to _departureTo.
    private readonly int[] _arrivalEnd;
    private readonly int[] _arrivalLink;
    private readonly int[] _arrivalTo;
    private readonly int[] _departureLink;
    private readonly int[] _departureTo;
    private int _computedB;
    private double _computedLimit = double.NaN;
    private double _computedBelow;        // the sum below which the last computation is exact (infinity: everywhere)
    // Pruning (see the Compute overload): per (level, node), a lower bound on the cost of reaching the
    // arrival and departure vertex from the source; a state whose value plus that is not below _pruneAt stays infinite.
    private double[]? _reachArrival;
    private double[]? _reachDeparture;
    private double _pruneAt = double.PositiveInfinity;

    /// <summary>The plain relaxation: every revisit allowed.</summary>
    public RelaxedCostToGo(PlanningProblem problem) : this(problem, 0)
    {
    }

    /// <summary>The ng-route relaxation remembering the <paramref name="rememberedNodes"/> fastest nodes (0: plain).</summary>
    public RelaxedCostToGo(PlanningProblem problem, int rememberedNodes)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _ng = new RememberedNodes(problem, rememberedNodes);
        _masks = _ng.Memories;
        var states = (_layers + 1) * _nodes * _masks;
        _arrival = new double[states];
        _departure = new double[states];
        // Without memories the bound is the cost-to-go itself: share the arrays, nothing to take minimums of.
        _arrivalAvoiding = _masks == 1 ? _arrival : new double[states];
        _departureAvoiding = _masks == 1 ? _departure : new double[states];
        _memoryBits = System.Numerics.BitOperations.Log2((uint)_masks);
        _costs = new LevelCosts(problem);
        _heap = new IndexedMinHeap(_nodes * _masks);
        _arrivalEnd = new int[states];
        _arrivalLink = new int[states];
        _arrivalTo = new int[states];
        _departureLink = new int[states];
        _departureTo = new int[states];
        _windowEnd = new int[_nodes];
        _window = new int[_nodes * _masks * (_layers + 1)];
        _windowValue = new double[_nodes * _masks * (_layers + 1)];
        _windowHead = new int[_nodes * _masks];
        _windowTail = new int[_nodes * _masks];
    }

    /// <summary>Lower bound on the cost from Arr(level, node) to the end (infinity: no way to finish).</summary>
    public double Arrival(int level, int node) => _arrivalAvoiding[(level * _nodes + node) << _memoryBits];

    /// <summary>Lower bound on the cost from Dep(level, node) to the end.</summary>
    public double Departure(int level, int node) => _departureAvoiding[(level * _nodes + node) << _memoryBits];

    /// <summary>
    /// Lower bound on the cost from Arr(level, node) to the end for a walk that has already visited the
    /// remembered nodes of <paramref name="avoid"/> (a set of <see cref="RememberedBit"/>s): the rest of
    /// a simple plan cannot visit them again.
    /// </summary>
    public double ArrivalAvoiding(int level, int node, int avoid) => _arrivalAvoiding[((level * _nodes + node) << _memoryBits) | avoid];

    /// <summary>As <see cref="ArrivalAvoiding"/>, from Dep(level, node).</summary>
    public double DepartureAvoiding(int level, int node, int avoid) => _departureAvoiding[((level * _nodes + node) << _memoryBits) | avoid];

    /// <summary>The node's bit in the avoided sets (0 when it is not remembered).</summary>
    public int RememberedBit(int node) => _ng.BitOf(node);

    /// <summary>States one computation holds: an arrival and a departure vertex per level, node and memory (the forward search counts them alike).</summary>
    public long States => (long)(_layers + 1) * _nodes * _masks;

    /// <summary>The relaxed min-sum of a whole plan: the cost-to-go of the source's start vertex.</summary>
    public double FromSource => Arrival(0, _problem.Network.SourceIndex);

    /// <summary>
    /// Computes the cost-to-go for b and limit; nothing to do when the last call had the same ones
    /// (the solver asks for it from several places for one threshold). True when it computed.
    /// </summary>
    public bool Compute(int b, double limit) => Compute(b, limit, double.PositiveInfinity, null, null);

    /// <summary>True when the cost-to-go held is exact for this b and limit wherever it matters to walks below <paramref name="below"/>.</summary>
    public bool ComputedFor(int b, double limit, double below) => b == _computedB && limit.Equals(_computedLimit) && below <= _computedBelow;

    /// <summary>
    /// Computes the cost-to-go only where it can matter to a walk from the source that costs less than
    /// <paramref name="below"/>: <paramref name="reachArrival"/> and <paramref name="reachDeparture"/>
    /// bound from below the cost of reaching each (level, node) arrival and departure vertex from the
    /// source (the plain relaxation searched forwards), and a state whose cost-to-go plus that is not
    /// below the bound is left at infinity, as are the states that lead only to such states. Every other
    /// state gets its exact value (an optimal continuation never passes a pruned state: it would
    /// cost at least as much as the pruned one), so cutoffs and branch and bound below that sum read
    /// the same answers, and most of the backward search's states are never relaxed. Nothing to do
    /// when the last call had the same b and limit and an equal or larger sum. True when it computed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Compute(int b, double limit, double below, double[]? reachArrival, double[]? reachDeparture)
    {
        if (ComputedFor(b, limit, below)) return false;
        _computedB = b;
        _computedLimit = limit;
        var prune = reachArrival is not null && reachDeparture is not null && !double.IsPositiveInfinity(below);
        _computedBelow = prune ? below : double.PositiveInfinity;
        // Ten times the cost cutoffs' slack: a plan costing exactly the bound must not be pruned for rounding.
        _pruneAt = prune ? below + 1e-9 * Math.Abs(below) : double.PositiveInfinity;
        _reachArrival = prune ? reachArrival : null;
        _reachDeparture = prune ? reachDeparture : null;
        _costs.Prepare(b);
        Array.Fill(_arrival, double.PositiveInfinity);
        Array.Fill(_departure, double.PositiveInfinity);
        var sink = _problem.Network.SinkIndex;
        for (var n = 0; n < _nodes; n++)
        {
            // The walk ends here: it remembers only this node (no neighbour bits).
            if ((sink < 0 || sink == n) && KeepsDeparture(_layers, n, 0)) _departure[(_layers * _nodes + n) * _masks] = 0;
            _windowEnd[n] = _layers;
        }
        TakeMinimums(_layers);
        Array.Fill(_windowHead, _layers + 1); // the deques grow towards lower indices
        Array.Fill(_windowTail, _layers + 1);
        for (var level = _layers - 1; level >= 0; level--)
        {
            RelaxCompute(level, limit);
            if (level > 0) RelaxLinks(level, limit); // raw samples never leave the source: no links at level 0
            else TakeMinimums(level);
        }
        return true;
    }

    /// <summary>
    /// Arr(level, n, m) = min over allowed ends t of prefix(t) + Dep(t, n, m), minus prefix(level), plus 2o
    /// (a segment stays on one node, so the memory does not change). The last allowed end only moves
    /// down as the start does, so a monotone deque per node and memory keeps the minimum: new
    /// candidates enter at the head, ends that became too long leave at the tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxCompute(int level, double limit)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            while (_windowEnd[n] > level && !_costs.SegmentAllowed(n, level, _windowEnd[n] - 1, limit)) _windowEnd[n]--;
            var candidate = level + 1;
            for (var m = 0; m < _masks; m++)
            {
                var deque = n * _masks + m;
                var offset = deque * (_layers + 1);
                ref var head = ref _windowHead[deque];
                ref var tail = ref _windowTail[deque];
                var toGo = _departure[(candidate * _nodes + n) * _masks + m];
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
                var state = (level * _nodes + n) * _masks + m;
                var arrival = _windowValue[offset + tail - 1] - _costs.PrefixWork(n, level) + 2 * _problem.OverheadSeconds(n);
                if (!KeepsArrival(level, n, arrival)) continue;
                _arrival[state] = arrival;
                _arrivalEnd[state] = _window[offset + tail - 1];
            }
        }
    }

    /// <summary>
    /// Arrival states may also relay: Arr(level, u, m') improves over a link to Arr(level, v, m), where
    /// m' is what u remembers of v's memory (the link is forbidden when u is in it). Every finite
    /// arrival relays once; only the arrivals that improved need a Dijkstra after that (any arrival at
    /// most as large as the one popped has already relayed its final value).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxLinks(int level, double limit)
    {
        var linkCost = _costs.LinkCosts(level - 1);
        var offset = level * _nodes * _masks;
        _heap.Clear();
        for (var state = 0; state < _nodes * _masks; state++)
        {
            var distance = _arrival[offset + state];
            if (!double.IsPositiveInfinity(distance)) RelayInto(level, state, distance, offset, linkCost, limit);
        }
        while (_heap.TryPop(out var state, out var distance)) RelayInto(level, state, distance, offset, linkCost, limit);
        DeparturesFromArrivals(level, offset, linkCost, limit);
        TakeMinimums(level);
    }

    /// <summary>Relaxes the links into the (node, memory) state: the nodes they come from may reach it and go on from there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelayInto(int level, int state, double distance, int offset, ReadOnlySpan<double> linkCost, double limit)
    {
        var v = state >> _memoryBits;
        var memory = state & (_masks - 1);
        foreach (var hop in _problem.Network.Incoming(v))
        {
            var cost = linkCost[hop.Link];
            if (!(cost < limit)) continue;
            var from = _ng.Before(hop, memory);
            if (from < 0) continue;
            var target = hop.From * _masks + from;
            var candidate = distance + cost;
            if (!(candidate < _arrival[offset + target]) || !KeepsArrival(level, hop.From, candidate)) continue;
            _arrival[offset + target] = candidate;
            _arrivalEnd[offset + target] = -1;
            _arrivalLink[offset + target] = hop.Link;
            _arrivalTo[offset + target] = state;
            _heap.InsertOrDecrease(target, candidate);
        }
    }

    /// <summary>Dep(level, u, m'): a departure must forward, over the link that reaches the cheapest arrival it may reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeparturesFromArrivals(int level, int offset, ReadOnlySpan<double> linkCost, double limit)
    {
        var network = _problem.Network;
        for (var v = 0; v < _nodes; v++)
        {
            for (var memory = 0; memory < _masks; memory++)
            {
                var arrival = _arrival[offset + v * _masks + memory];
                if (double.IsPositiveInfinity(arrival)) continue;
                foreach (var hop in network.Incoming(v))
                {
                    var cost = linkCost[hop.Link];
                    if (!(cost < limit)) continue;
                    var from = _ng.Before(hop, memory);
                    if (from < 0) continue;
                    var target = offset + hop.From * _masks + from;
                    if (!(cost + arrival < _departure[target]) || !KeepsDeparture(level, hop.From, cost + arrival)) continue;
                    _departure[target] = cost + arrival;
                    _departureLink[target] = hop.Link;
                    _departureTo[target] = v * _masks + memory;
                }
            }
        }
    }

    /// <summary>Whether an arrival state with this cost-to-go may lie on a walk below the pruning bound (always, without pruning).</summary>
    private bool KeepsArrival(int level, int node, double toGo) =>
        _reachArrival is null || _reachArrival[level * _nodes + node] + toGo < _pruneAt;

    private bool KeepsDeparture(int level, int node, double toGo) =>
        _reachDeparture is null || _reachDeparture[level * _nodes + node] + toGo < _pruneAt;

    /// <summary>The bounds the searches read: per vertex and avoided set, the best memory that avoids it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TakeMinimums(int level)
    {
        if (_masks == 1) return; // the arrays are shared
        var first = level * _nodes * _masks;
        for (var n = 0; n < _nodes; n++) AvoidingMinimums(first + n * _masks);
    }

    /// <summary>
    /// best[avoid] = min over memories m with m &amp; avoid = 0 of value[m]: the least value over the
    /// subsets of avoid's complement, by the usual sum-over-subsets pass (masks x bits, not masks^2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AvoidingMinimums(int offset)
    {
        var all = _masks - 1;
        var arrival = _arrivalAvoiding.AsSpan(offset, _masks);
        var departure = _departureAvoiding.AsSpan(offset, _masks);
        _arrival.AsSpan(offset, _masks).CopyTo(arrival);
        _departure.AsSpan(offset, _masks).CopyTo(departure);
        for (var bit = 1; bit < _masks; bit <<= 1)
        {
            for (var m = 0; m < _masks; m++)
            {
                if ((m & bit) == 0) continue;
                arrival[m] = Math.Min(arrival[m], arrival[m ^ bit]);
                departure[m] = Math.Min(departure[m], departure[m ^ bit]);
            }
        }
        // Now arrival[x] is the least over the subsets of x; the sets avoiding a are the subsets of ~a.
        for (var a = 0; a < _masks >> 1; a++)
        {
            (arrival[a], arrival[all ^ a]) = (arrival[all ^ a], arrival[a]);
            (departure[a], departure[all ^ a]) = (departure[all ^ a], departure[a]);
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
        var memory = 0;
        for (var m = 1; m < _masks; m++)
        {
            if (_arrival[node * _masks + m] < _arrival[node * _masks + memory]) memory = m;
        }
        var nodes = new List<int> { node };
        var links = new List<int>();
        var segments = new List<SegmentPlacement>();
        var level = 0;
        while (level < _layers)
        {
            var arrival = (level * _nodes + node) * _masks + memory;
            var end = _arrivalEnd[arrival];
            if (end < 0)
            {
                links.Add(_arrivalLink[arrival]);
                node = _arrivalTo[arrival] >> _memoryBits;
                memory = _arrivalTo[arrival] & (_masks - 1);
                nodes.Add(node);
                continue;
            }
            segments.Add(new SegmentPlacement(node, level, end - 1));
            level = end;
            if (level == _layers) break;
            var departure = (level * _nodes + node) * _masks + memory;
            links.Add(_departureLink[departure]);
            node = _departureTo[departure] >> _memoryBits;
            memory = _departureTo[departure] & (_masks - 1);
            nodes.Add(node);
        }
        return new Walk(nodes, links, segments);
    }
}
