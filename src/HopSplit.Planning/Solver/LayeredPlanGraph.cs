using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The state graph of MODEL.md section 7, searched level by level. A vertex is "layers 0..j-1 are
/// done and the activation sits at node n", split into an arrival vertex Arr(j, n) (n may compute
/// next, or relay) and a departure vertex Dep(j, n) (n has just computed, so it must forward: two
/// compute edges in a row on one node would be one stage). Compute edges Arr(i, n) -> Dep(j + 1, n)
/// carry a whole segment's stage cost; link edges keep the level and carry a link stage's cost.
/// Compute edges only go up a level, so heap Dijkstra runs once per level over the link edges.
/// Only edges whose cost is below <c>limit</c> exist: that is the threshold of the bottleneck-aware
/// shortest path. For min-sum, the best start of a segment ending at layer j is a sliding-window
/// minimum (a segment's cost is a difference of prefix sums, and the allowed starts form a window
/// that only moves forward), so a whole search costs O(layers x nodes) plus Dijkstra.
/// <para>
/// Without tracked nodes the search is a relaxation: a walk may leave a node and come back to it.
/// Every tracked node adds a bit to the state (has the walk been there?), which forbids revisiting
/// it; the solver tracks exactly the nodes that relaxed walks revisit (decremental state-space
/// relaxation), so the state space grows only as far as the instance needs.
/// </para>
/// <para>
/// A min-sum search may be given a <see cref="CostCutoff"/>: states that cannot finish below it are
/// never stored, so most (level, mask) blocks of a tracked search stay unreached and cost nothing.
/// </para>
/// </summary>
internal sealed class LayeredPlanGraph
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly int[] _bitOf;
    private readonly PriorityQueue<int, double> _heap = new();
    private readonly double[] _linkCost;     // this level's cost of every link (one cut, one b)
    private readonly double[] _segmentCost;  // costs of the segments starting at this level on one node
    private readonly int[] _windowStart;     // per node: the first layer a segment ending at this level may start at
    private int[] _window = [];              // per (node, mask): candidate start levels, best value first
    private double[] _windowValue = [];      // arr - prefix work of each candidate
    private int[] _windowHead = [];
    private int[] _windowTail = [];
    private bool[] _reached = [];            // per (level, mask): does any state of that block hold a distance?
    private int _masks;
    private int _blocks;                     // (level, mask) blocks of the current layout
    private double[] _arr = [];
    private double[] _dep = [];
    private int[] _depFromLevel = [];
    private int[] _arrFrom = [];
    private int[] _arrFromLink = [];
    private bool[] _arrFromDeparture = [];
    private CostCutoff _cutoff;

    public LayeredPlanGraph(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _bitOf = new int[_nodes];
        _linkCost = new double[problem.Network.Links.Count];
        _segmentCost = new double[_layers];
        _windowStart = new int[_nodes];
    }

    /// <summary>How paths combine edge costs: min-sum (shortest path) or min-max (bottleneck path).</summary>
    public enum PathMeasure { Sum, Max }

    /// <summary>States for one tracked-node set: what the memory budget of the caller is measured in.</summary>
    public long StatesFor(int trackedNodes) => (long)(_layers + 1) * _nodes << trackedNodes;

    /// <summary>
    /// The optimum over edges with cost &lt; limit among walks that visit no tracked node twice.
    /// Infinity (and a null walk) when none exists.
    /// </summary>
    public double Solve(int b, double limit, PathMeasure measure, IReadOnlyList<int> tracked, out Walk? walk) =>
        Solve(b, limit, measure, tracked, CostCutoff.None, out walk);

    /// <summary>
    /// As above, but only walks whose sum stays below the cutoff (min-sum only): infinity and a
    /// null walk mean that no such walk exists.
    /// </summary>
    public double Solve(int b, double limit, PathMeasure measure, IReadOnlyList<int> tracked, CostCutoff cutoff, out Walk? walk)
    {
        if (measure != PathMeasure.Sum && !double.IsPositiveInfinity(cutoff.Bound))
            throw new ArgumentException("a cost cutoff bounds sums, not bottlenecks", nameof(cutoff));
        Prepare(tracked);
        _cutoff = cutoff;
        var source = _problem.Network.SourceIndex;
        walk = null;
        if (!cutoff.KeepsArrival(0, source, 0)) return double.PositiveInfinity;
        _arr[State(0, Bit(source), source)] = 0;
        _reached[Bit(source)] = true;
        for (var j = 0; j <= _layers; j++)
        {
            if (j >= 1 && j < _layers) RelaxLinks(j, b, limit, measure);
            if (j < _layers && measure == PathMeasure.Sum) RelaxComputeSliding(j, b, limit);
            else if (j < _layers) RelaxCompute(j, b, limit, measure);
        }

        var end = BestTerminal();
        if (end < 0) return double.PositiveInfinity;
        walk = Reconstruct(end);
        return _dep[end];
    }

    private void Prepare(IReadOnlyList<int> tracked)
    {
        Array.Fill(_bitOf, -1);
        for (var i = 0; i < tracked.Count; i++) _bitOf[tracked[i]] = i;
        // A state's index is block * nodes + node whatever the mask count, so the blocks the last
        // search reached are found and reset under its own layout, even when this one differs.
        for (var block = 0; block < _blocks; block++)
        {
            if (!_reached[block]) continue;
            _arr.AsSpan(block * _nodes, _nodes).Fill(double.PositiveInfinity);
            _dep.AsSpan(block * _nodes, _nodes).Fill(double.PositiveInfinity);
            _reached[block] = false;
        }
        _masks = 1 << tracked.Count;
        _blocks = (_layers + 1) * _masks;
        var size = _blocks * _nodes;
        var windows = _nodes * _masks;
        // Arrays only grow: searches alternate between the untracked and the tracked layout.
        if (_arr.Length < size)
        {
            _arr = new double[size];
            _dep = new double[size];
            _depFromLevel = new int[size];
            _arrFrom = new int[size];
            _arrFromLink = new int[size];
            _arrFromDeparture = new bool[size];
            _window = new int[windows * (_layers + 1)];
            _windowValue = new double[windows * (_layers + 1)];
            _windowHead = new int[windows];
            _windowTail = new int[windows];
            _reached = new bool[_blocks];
            Array.Fill(_arr, double.PositiveInfinity);
            Array.Fill(_dep, double.PositiveInfinity);
        }
        _windowHead.AsSpan(0, windows).Clear();
        _windowTail.AsSpan(0, windows).Clear();
        Array.Clear(_windowStart);
    }

    private int Bit(int node) => _bitOf[node] < 0 ? 0 : 1 << _bitOf[node];

    private int State(int level, int mask, int node) => (level * _masks + mask) * _nodes + node;

    private static double Combine(double distance, double cost, PathMeasure measure) =>
        measure == PathMeasure.Sum ? distance + cost : Math.Max(distance, cost);

    /// <summary>Relaxes a link edge into Arr(level, mask + to); false when it would revisit a tracked node.</summary>
    private bool TryRelaxLink(int level, int fromState, double distance, int mask, LinkHop hop, double cost, bool fromDeparture, PathMeasure measure, out int target, out double candidate)
    {
        var bit = Bit(hop.To);
        target = -1;
        candidate = 0;
        if ((mask & bit) != 0) return false;
        candidate = Combine(distance, cost, measure);
        target = State(level, mask | bit, hop.To);
        if (!(candidate < _arr[target]) || !_cutoff.KeepsArrival(level, hop.To, candidate)
            || Dominated(_arr, level, mask | bit, hop.To, candidate)) return false;
        _reached[level * _masks + (mask | bit)] = true;
        _arr[target] = candidate;
        _arrFrom[target] = fromState;
        _arrFromLink[target] = hop.Link;
        _arrFromDeparture[target] = fromDeparture;
        return true;
    }

    /// <summary>
    /// True when the same vertex is reached at least as cheaply having visited only some of these
    /// tracked nodes: every way to finish from this state is open to that one too, so this state is
    /// never on a better walk and need not be kept. Lower masks are settled first, so the check sees
    /// final (or, within a Dijkstra, already achieved) distances.
    /// </summary>
    private bool Dominated(double[] distances, int level, int mask, int node, double value)
    {
        if (mask == 0) return false;
        for (var sub = (mask - 1) & mask; ; sub = (sub - 1) & mask)
        {
            if (_reached[level * _masks + sub] && distances[State(level, sub, node)] <= value) return true;
            if (sub == 0) return false;
        }
    }

    /// <summary>
    /// Link edges within a level. An edge keeps the mask or adds the bit of a tracked node, so masks
    /// are settled in increasing order, each by a small Dijkstra over its own nodes; masks no state
    /// reached are skipped.
    /// </summary>
    private void RelaxLinks(int level, int b, double limit, PathMeasure measure)
    {
        var network = _problem.Network;
        for (var link = 0; link < _linkCost.Length; link++) _linkCost[link] = _problem.LinkCost(link, level - 1, b);
        for (var mask = 0; mask < _masks; mask++)
        {
            if (!_reached[level * _masks + mask]) continue;
            for (var u = 0; u < _nodes; u++)
            {
                var from = State(level, mask, u);
                var distance = _dep[from];
                if (double.IsPositiveInfinity(distance)) continue;
                foreach (var hop in network.Outgoing(u))
                {
                    var cost = _linkCost[hop.Link];
                    if (cost < limit) TryRelaxLink(level, from, distance, mask, hop, cost, true, measure, out _, out _);
                }
            }
            _heap.Clear();
            for (var v = 0; v < _nodes; v++)
            {
                var state = State(level, mask, v);
                if (!double.IsPositiveInfinity(_arr[state])) _heap.Enqueue(state, _arr[state]);
            }
            while (_heap.TryDequeue(out var state, out var distance))
            {
                if (distance > _arr[state]) continue; // stale entry
                foreach (var hop in network.Outgoing(state % _nodes))
                {
                    var cost = _linkCost[hop.Link];
                    if (!(cost < limit)) continue;
                    // A hop onto a tracked node lands in a larger mask, settled later in this loop.
                    if (TryRelaxLink(level, state, distance, mask, hop, cost, false, measure, out var target, out var candidate)
                        && Bit(hop.To) == 0)
                        _heap.Enqueue(target, candidate);
                }
            }
        }
    }

    /// <summary>
    /// Min-sum compute edges into level + 1: Dep(level + 1, n) = prefix(level + 1) + 2o + min over
    /// allowed starts i of (Arr(i, n) - prefix(i)). The allowed starts of a segment ending at this
    /// level are [windowStart, level] (a longer segment costs more and needs more memory), and the
    /// window start never moves back, so a monotone deque per node and mask keeps the minimum.
    /// </summary>
    private void RelaxComputeSliding(int level, int b, double limit)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            while (_windowStart[n] <= level && !_problem.SegmentAllowed(n, _windowStart[n], level, b, limit)) _windowStart[n]++;
            var start = _windowStart[n];
            var prefixHere = _problem.PrefixWorkSeconds(n, level, b);
            var prefixNext = _problem.PrefixWorkSeconds(n, level + 1, b);
            var overheads = 2 * _problem.OverheadSeconds(n);
            for (var mask = 0; mask < _masks; mask++)
            {
                var window = n * _masks + mask;
                ref var head = ref _windowHead[window];
                ref var tail = ref _windowTail[window];
                if (tail == head && !_reached[level * _masks + mask]) continue; // nothing to start from
                var offset = window * (_layers + 1);
                var arrival = _arr[State(level, mask, n)];
                if (!double.IsPositiveInfinity(arrival) && !Dominated(_arr, level, mask, n, arrival))
                {
                    var value = arrival - prefixHere;
                    while (tail > head && _windowValue[offset + tail - 1] >= value) tail--;
                    _window[offset + tail] = level;
                    _windowValue[offset + tail] = value;
                    tail++;
                }
                while (tail > head && _window[offset + head] < start) head++;
                if (tail == head) continue;
                var departure = prefixNext + overheads + _windowValue[offset + head];
                if (!_cutoff.KeepsDeparture(level + 1, n, departure) || Dominated(_dep, level + 1, mask, n, departure)) continue;
                var target = State(level + 1, mask, n);
                _reached[(level + 1) * _masks + mask] = true;
                _dep[target] = departure;
                _depFromLevel[target] = _window[offset + head];
            }
        }
    }

    private void RelaxCompute(int level, int b, double limit, PathMeasure measure)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n) || !AnyArrival(level, n)) continue;
            // The segment costs are the same for every mask, so they are computed once.
            var segments = _problem.SegmentCosts(n, level, b, limit, _segmentCost);
            for (var mask = 0; mask < _masks; mask++)
            {
                var from = _arr[State(level, mask, n)];
                if (double.IsPositiveInfinity(from)) continue;
                for (var k = 0; k < segments; k++)
                {
                    var candidate = Combine(from, _segmentCost[k], measure);
                    var target = State(level + k + 1, mask, n);
                    if (candidate < _dep[target])
                    {
                        _reached[(level + k + 1) * _masks + mask] = true;
                        _dep[target] = candidate;
                        _depFromLevel[target] = level;
                    }
                }
            }
        }
    }

    private bool AnyArrival(int level, int node)
    {
        for (var mask = 0; mask < _masks; mask++)
        {
            if (!double.IsPositiveInfinity(_arr[State(level, mask, node)])) return true;
        }
        return false;
    }

    /// <summary>The best departure state after the last layer (at the sink when there is one), or -1.</summary>
    private int BestTerminal()
    {
        var sink = _problem.Network.SinkIndex;
        var best = -1;
        for (var mask = 0; mask < _masks; mask++)
        for (var n = 0; n < _nodes; n++)
        {
            if (sink >= 0 && n != sink) continue;
            var state = State(_layers, mask, n);
            if (double.IsPositiveInfinity(_dep[state])) continue;
            if (best < 0 || _dep[state] < _dep[best]) best = state;
        }
        return best;
    }

    private Walk Reconstruct(int end)
    {
        var nodes = new List<int>();
        var links = new List<int>();
        var segments = new List<SegmentPlacement>();
        var state = end;
        var atDeparture = true;
        nodes.Add(end % _nodes);
        while (true)
        {
            var node = state % _nodes;
            if (atDeparture)
            {
                var level = state / (_masks * _nodes);
                var mask = (state / _nodes) % _masks;
                var first = _depFromLevel[state];
                segments.Add(new SegmentPlacement(node, first, level - 1));
                if (first == 0) break;
                state = State(first, mask, node);
                atDeparture = false;
                continue;
            }
            links.Add(_arrFromLink[state]);
            atDeparture = _arrFromDeparture[state];
            state = _arrFrom[state];
            nodes.Add(state % _nodes);
        }
        nodes.Reverse();
        links.Reverse();
        segments.Reverse();
        return new Walk(nodes, links, segments);
    }
}

/// <summary>A source-to-end walk of the state graph: a plan when no node appears twice.</summary>
internal sealed record Walk(IReadOnlyList<int> Nodes, IReadOnlyList<int> Links, IReadOnlyList<SegmentPlacement> Segments)
{
    public bool IsSimple => Nodes.Distinct().Count() == Nodes.Count;

    /// <summary>The nodes the walk visits more than once.</summary>
    public IReadOnlyList<int> RevisitedNodes() => Nodes.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    public PlanShape ToShape() => new(Nodes, Links, Segments);
}
