using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// never stored, and a state is dropped when the same vertex was reached at no more cost with a
/// subset of its visited tracked nodes (dominance), so most (level, mask) blocks of a tracked search
/// stay unreached; <see cref="StateBlocks"/> stores only the reached ones.
/// </para>
/// <para>
/// The hot loops are marked <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>:
/// a one-shot <c>hopsplit plan</c> would otherwise run its first solves in unoptimized tier-0 code
/// (tiered compilation promotes a method only after 30 calls), about twice as slow (docs/planner.md).
/// </para>
/// </summary>
internal sealed class LayeredPlanGraph
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly int[] _bitOf;
    private readonly IndexedMinHeap _heap;   // one level's nodes, for the link Dijkstra
    private readonly LevelCosts _costs;
    private readonly double[] _segmentCost;  // costs of the segments starting at this level on one node
    private readonly int[] _windowStart;     // per node: the first layer a segment ending at this level may start at
    private readonly StateBlocks _states;
    private readonly SlidingWindows _windows;
    private int _masks;
    // Per level: the masks whose blocks this search reached, sorted. With many tracked nodes almost all
    // of the 2^tracked masks of a level stay unreached; the loops over masks visit only these.
    private readonly List<int>[] _reachedMasks;
    private long _stateBudget = long.MaxValue;
    private CostCutoff _cutoff;
    // Per mask: the cutoff's remembered nodes among the visited tracked ones, which the rest of a simple plan avoids.
    private int[] _visitedRemembered = [];

    public LayeredPlanGraph(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _bitOf = new int[_nodes];
        _heap = new IndexedMinHeap(_nodes);
        _costs = new LevelCosts(problem);
        _segmentCost = new double[_layers];
        _windowStart = new int[_nodes];
        _states = new StateBlocks(_nodes);
        _windows = new SlidingWindows(_layers + 1);
        _reachedMasks = new List<int>[_layers + 1];
        for (var level = 0; level <= _layers; level++) _reachedMasks[level] = new List<int>();
    }

    /// <summary>How paths combine edge costs: min-sum (shortest path) or min-max (bottleneck path).</summary>
    public enum PathMeasure { Sum, Max }

    /// <summary>(level, mask) blocks for one tracked-node set: the size of the block table a search lays out.</summary>
    public long BlocksFor(int trackedNodes) => (long)(_layers + 1) << trackedNodes;

    /// <summary>True when the last search stopped because it held more states than its budget allowed.</summary>
    public bool OverBudget { get; private set; }

    /// <summary>States the last search held.</summary>
    public long StatesHeld => _states.States;

    /// <summary>
    /// The optimum over edges with cost &lt; limit among walks that visit no tracked node twice.
    /// Infinity (and a null walk) when none exists.
    /// </summary>
    public double Solve(int b, double limit, PathMeasure measure, IReadOnlyList<int> tracked, out Walk? walk) =>
        Solve(b, limit, measure, tracked, CostCutoff.None, long.MaxValue, out walk);

    /// <summary>
    /// As above, but only walks whose sum stays below the cutoff (min-sum only): infinity and a
    /// null walk mean that no such walk exists, unless <see cref="OverBudget"/> says the search
    /// stopped after holding more than <paramref name="stateBudget"/> states.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Solve(int b, double limit, PathMeasure measure, IReadOnlyList<int> tracked, CostCutoff cutoff, long stateBudget, out Walk? walk)
    {
        if (measure != PathMeasure.Sum && !double.IsPositiveInfinity(cutoff.Bound))
            throw new ArgumentException("a cost cutoff bounds sums, not bottlenecks", nameof(cutoff));
        Prepare(tracked);
        _costs.Prepare(b);
        _cutoff = cutoff;
        PrepareVisitedRemembered(tracked);
        _stateBudget = stateBudget;
        OverBudget = false;
        var source = _problem.Network.SourceIndex;
        walk = null;
        if (!cutoff.KeepsArrival(0, source, 0, _visitedRemembered[Bit(source)])) return double.PositiveInfinity;
        var start = Reach(0, Bit(source), source); // before reading the arrays: reaching a block may grow them
        _states.Arrival[start] = 0;
        for (var j = 0; j <= _layers; j++)
        {
            if (j >= 1 && j < _layers) RelaxLinks(j, limit, measure);
            if (j < _layers && measure == PathMeasure.Sum) RelaxComputeSliding(j, limit);
            else if (j < _layers) RelaxCompute(j, b, limit, measure);
            if (_states.States > _stateBudget)
            {
                OverBudget = true;
                return double.PositiveInfinity;
            }
        }

        var end = BestTerminal();
        if (end < 0) return double.PositiveInfinity;
        walk = Reconstruct(end);
        return _states.Departure[end];
    }

    /// <summary>
    /// The plain relaxation searched forwards (no tracked node): per (level, node), the least cost of
    /// reaching the arrival and the departure vertex from the source (infinity: unreachable), which
    /// bounds every partial plan there from below. The ng-route bound prunes its states with them.
    /// </summary>
    public void ReachCosts(int b, double limit, double[] arrival, double[] departure)
    {
        Solve(b, limit, PathMeasure.Sum, [], out _);
        for (var level = 0; level <= _layers; level++)
        {
            var first = StateOrNone(level, 0, 0);
            var row = level * _nodes;
            if (first < 0)
            {
                arrival.AsSpan(row, _nodes).Fill(double.PositiveInfinity);
                departure.AsSpan(row, _nodes).Fill(double.PositiveInfinity);
                continue;
            }
            _states.Arrival.AsSpan(first, _nodes).CopyTo(arrival.AsSpan(row, _nodes));
            _states.Departure.AsSpan(first, _nodes).CopyTo(departure.AsSpan(row, _nodes));
        }
    }

    private void Prepare(IReadOnlyList<int> tracked)
    {
        Array.Fill(_bitOf, -1);
        for (var i = 0; i < tracked.Count; i++) _bitOf[tracked[i]] = i;
        _masks = 1 << tracked.Count;
        _states.Reset((_layers + 1) * _masks);
        _windows.Reset(_nodes * _masks);
        Array.Clear(_windowStart);
        foreach (var masks in _reachedMasks) masks.Clear();
    }

    private void PrepareVisitedRemembered(IReadOnlyList<int> tracked)
    {
        if (_visitedRemembered.Length < _masks) _visitedRemembered = new int[_masks];
        _visitedRemembered[0] = 0;
        for (var mask = 1; mask < _masks; mask++)
        {
            var lowest = BitOperations.TrailingZeroCount(mask);
            _visitedRemembered[mask] = _visitedRemembered[mask & (mask - 1)] | _cutoff.RememberedBit(tracked[lowest]);
        }
    }

    private int Bit(int node) => _bitOf[node] < 0 ? 0 : 1 << _bitOf[node];

    private int Block(int level, int mask) => level * _masks + mask;

    /// <summary>The state (level, mask, node), or -1 when its block is unreached (the distance is then infinity).</summary>
    private int StateOrNone(int level, int mask, int node)
    {
        var slot = _states.SlotOf(Block(level, mask));
        return slot < 0 ? -1 : slot * _nodes + node;
    }

    /// <summary>The state (level, mask, node), reaching its block if needed.</summary>
    private int Reach(int level, int mask, int node)
    {
        var block = Block(level, mask);
        if (_states.SlotOf(block) < 0)
        {
            var masks = _reachedMasks[level];
            masks.Insert(~masks.BinarySearch(mask), mask); // kept sorted: RelaxLinks settles masks in increasing order
        }
        return _states.Reach(block) * _nodes + node;
    }

    private static double Distance(double[] distances, int state) => state < 0 ? double.PositiveInfinity : distances[state];

    private static double Combine(double distance, double cost, PathMeasure measure) =>
        measure == PathMeasure.Sum ? distance + cost : Math.Max(distance, cost);

    /// <summary>Relaxes a link edge into Arr(level, mask + to); false when it would revisit a tracked node or not improve.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryRelaxLink(int level, int fromState, double distance, int mask, LinkHop hop, double cost, bool fromDeparture, PathMeasure measure, out int target, out double candidate)
    {
        var bit = Bit(hop.To);
        target = -1;
        candidate = 0;
        if ((mask & bit) != 0) return false;
        candidate = Combine(distance, cost, measure);
        var targetMask = mask | bit;
        if (!(candidate < Distance(_states.Arrival, StateOrNone(level, targetMask, hop.To)))
            || !_cutoff.KeepsArrival(level, hop.To, candidate, _visitedRemembered[targetMask])
            || Dominated(_states.Arrival, level, targetMask, hop.To, candidate)) return false;
        target = Reach(level, targetMask, hop.To);
        _states.Arrival[target] = candidate;
        _states.ArrivalFrom[target] = fromState;
        _states.ArrivalFromLink[target] = hop.Link;
        _states.ArrivalFromDeparture[target] = fromDeparture;
        return true;
    }

    /// <summary>
    /// True when the same vertex is reached at least as cheaply having visited only some of these
    /// tracked nodes: every way to finish from this state is open to that one too, so this state is
    /// never on a better walk and need not be kept. Every value compared with is the cost of a walk
    /// the search holds, so dropping this state never loses the optimum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Dominated(double[] distances, int level, int mask, int node, double value)
    {
        if (mask == 0) return false;
        // Unreached blocks hold no state, so with many tracked nodes the reached masks of the level
        // are far fewer than the subsets of a large mask: look through whichever list is shorter.
        var reached = CollectionsMarshal.AsSpan(_reachedMasks[level]);
        if (reached.Length < 1 << BitOperations.PopCount((uint)mask))
        {
            foreach (var other in reached)
            {
                if (other != mask && (other & ~mask) == 0 && Distance(distances, StateOrNone(level, other, node)) <= value) return true;
            }
            return false;
        }
        for (var sub = (mask - 1) & mask; ; sub = (sub - 1) & mask)
        {
            if (Distance(distances, StateOrNone(level, sub, node)) <= value) return true;
            if (sub == 0) return false;
        }
    }

    /// <summary>
    /// Link edges within a level. An edge keeps the mask or adds the bit of a tracked node, so masks
    /// are settled in increasing order, each by a small Dijkstra over its own nodes; masks no state
    /// reached are skipped. Every arrival relays once; only the arrivals that improved go through the
    /// heap after that (an arrival no larger than the one popped has already relayed its final value).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxLinks(int level, double limit, PathMeasure measure)
    {
        var linkCost = _costs.LinkCosts(level - 1);
        // The reached masks are kept sorted, and a hop onto a tracked node reaches a larger mask, so
        // it is inserted after this one and settled later in this loop.
        var reached = _reachedMasks[level];
        for (var i = 0; i < reached.Count; i++)
        {
            var mask = reached[i];
            var first = StateOrNone(level, mask, 0);
            if (first < 0) continue;
            _heap.Clear();
            for (var u = 0; u < _nodes; u++)
            {
                var distance = _states.Departure[first + u];
                if (!double.IsPositiveInfinity(distance)) Relay(level, first + u, distance, mask, true, linkCost, limit, measure);
            }
            for (var v = 0; v < _nodes; v++)
            {
                var distance = _states.Arrival[first + v];
                if (!double.IsPositiveInfinity(distance)) Relay(level, first + v, distance, mask, false, linkCost, limit, measure);
            }
            while (_heap.TryPop(out var node, out var distance)) Relay(level, first + node, distance, mask, false, linkCost, limit, measure);
        }
    }

    /// <summary>Relaxes the links out of a state; arrivals it improves in its own mask join the heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Relay(int level, int from, double distance, int mask, bool fromDeparture, ReadOnlySpan<double> linkCost, double limit, PathMeasure measure)
    {
        foreach (var hop in _problem.Network.Outgoing(from % _nodes))
        {
            var cost = linkCost[hop.Link];
            if (!(cost < limit)) continue;
            // A hop onto a tracked node lands in a larger mask, settled later in the mask loop.
            if (TryRelaxLink(level, from, distance, mask, hop, cost, fromDeparture, measure, out _, out var candidate) && Bit(hop.To) == 0)
                _heap.InsertOrDecrease(hop.To, candidate);
        }
    }

    /// <summary>
    /// Min-sum compute edges into level + 1: Dep(level + 1, n) = prefix(level + 1) + 2o + min over
    /// allowed starts i of (Arr(i, n) - prefix(i)). The allowed starts of a segment ending at this
    /// level are [windowStart, level] (a longer segment costs more and needs more memory), and the
    /// window start never moves back, so a monotone deque per node and mask keeps the minimum. Only
    /// the deques that hold a start are visited.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxComputeSliding(int level, double limit)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            while (_windowStart[n] <= level && !_costs.SegmentAllowed(n, _windowStart[n], level, limit)) _windowStart[n]++;
        }
        foreach (var mask in CollectionsMarshal.AsSpan(_reachedMasks[level]))
        {
            var first = StateOrNone(level, mask, 0);
            if (first < 0) continue;
            for (var n = 0; n < _nodes; n++)
            {
                var arrival = _states.Arrival[first + n];
                if (double.IsPositiveInfinity(arrival) || !_problem.CanCompute(n) || Dominated(_states.Arrival, level, mask, n, arrival)) continue;
                _windows.Push(n * _masks + mask, level, arrival - _costs.PrefixWork(n, level));
            }
        }
        var active = _windows.Active;
        for (var i = active.Count - 1; i >= 0; i--)
        {
            var window = active[i];
            var n = window / _masks;
            var mask = window % _masks;
            if (!_windows.TryMinimum(window, _windowStart[n], out var start, out var value)) continue;
            var departure = _costs.PrefixWork(n, level + 1) + 2 * _problem.OverheadSeconds(n) + value;
            if (!_cutoff.KeepsDeparture(level + 1, n, departure, _visitedRemembered[mask]) || Dominated(_states.Departure, level + 1, mask, n, departure)) continue;
            var target = Reach(level + 1, mask, n);
            _states.Departure[target] = departure;
            _states.DepartureFromLevel[target] = start;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RelaxCompute(int level, int b, double limit, PathMeasure measure)
    {
        for (var n = 0; n < _nodes; n++)
        {
            if (!_problem.CanCompute(n) || !AnyArrival(level, n)) continue;
            // The segment costs are the same for every mask, so they are computed once.
            var segments = _problem.SegmentCosts(n, level, b, limit, _segmentCost);
            foreach (var mask in CollectionsMarshal.AsSpan(_reachedMasks[level]))
            {
                var from = Distance(_states.Arrival, StateOrNone(level, mask, n));
                if (double.IsPositiveInfinity(from)) continue;
                for (var k = 0; k < segments; k++)
                {
                    var candidate = Combine(from, _segmentCost[k], measure);
                    if (!(candidate < Distance(_states.Departure, StateOrNone(level + k + 1, mask, n)))) continue;
                    var target = Reach(level + k + 1, mask, n);
                    _states.Departure[target] = candidate;
                    _states.DepartureFromLevel[target] = level;
                }
            }
        }
    }

    private bool AnyArrival(int level, int node)
    {
        foreach (var mask in CollectionsMarshal.AsSpan(_reachedMasks[level]))
        {
            if (!double.IsPositiveInfinity(Distance(_states.Arrival, StateOrNone(level, mask, node)))) return true;
        }
        return false;
    }

    /// <summary>The best departure state after the last layer (at the sink when there is one), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int BestTerminal()
    {
        var sink = _problem.Network.SinkIndex;
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        foreach (var mask in CollectionsMarshal.AsSpan(_reachedMasks[_layers]))
        for (var n = 0; n < _nodes; n++)
        {
            if (sink >= 0 && n != sink) continue;
            var state = StateOrNone(_layers, mask, n);
            var distance = Distance(_states.Departure, state);
            if (distance < bestDistance)
            {
                best = state;
                bestDistance = distance;
            }
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
                var block = _states.BlockOf(state / _nodes);
                var level = block / _masks;
                var mask = block % _masks;
                var first = _states.DepartureFromLevel[state];
                segments.Add(new SegmentPlacement(node, first, level - 1));
                if (first == 0) break;
                state = StateOrNone(first, mask, node);
                atDeparture = false;
                continue;
            }
            links.Add(_states.ArrivalFromLink[state]);
            atDeparture = _states.ArrivalFromDeparture[state];
            state = _states.ArrivalFrom[state];
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
