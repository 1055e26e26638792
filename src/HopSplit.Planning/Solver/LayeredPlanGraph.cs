using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The state graph of MODEL.md section 7, searched level by level. A vertex is "layers 0..j-1 are
/// done and the activation sits at node n", split into an arrival vertex Arr(j, n) (n may compute
/// next, or relay) and a departure vertex Dep(j, n) (n has just computed, so it must forward: two
/// compute edges in a row on one node would be one stage). Compute edges Arr(i, n) -> Dep(j + 1, n)
/// carry a whole segment's stage cost; link edges keep the level and carry a link stage's cost.
/// Compute edges only go up a level, so heap Dijkstra runs once per level over the link edges.
/// Only edges whose cost is below <c>limit</c> exist: that is the threshold of the bottleneck-aware
/// shortest path. The walk found may revisit a node; callers check <see cref="Walk.IsSimple"/>.
/// </summary>
internal sealed class LayeredPlanGraph
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly double[] _arr;
    private readonly double[] _dep;
    private readonly int[] _depFromLevel;
    private readonly int[] _arrFromNode;
    private readonly int[] _arrFromLink;
    private readonly bool[] _arrFromDeparture;
    private readonly PriorityQueue<int, double> _heap = new();

    public LayeredPlanGraph(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        var size = (_layers + 1) * _nodes;
        _arr = new double[size];
        _dep = new double[size];
        _depFromLevel = new int[size];
        _arrFromNode = new int[size];
        _arrFromLink = new int[size];
        _arrFromDeparture = new bool[size];
    }

    /// <summary>How paths combine edge costs: min-sum (shortest path) or min-max (bottleneck path).</summary>
    public enum PathMeasure { Sum, Max }

    /// <summary>Relaxed optimum (walks allowed) over edges with cost &lt; limit. Infinity when none exists.</summary>
    public double Solve(int b, double limit, PathMeasure measure, out Walk? walk)
    {
        Array.Fill(_arr, double.PositiveInfinity);
        Array.Fill(_dep, double.PositiveInfinity);
        var source = _problem.Network.SourceIndex;
        _arr[source] = 0;
        for (var j = 0; j <= _layers; j++)
        {
            if (j >= 1 && j < _layers) RelaxLinks(j, b, limit, measure);
            if (j < _layers) RelaxCompute(j, b, limit, measure);
        }

        var end = BestTerminal();
        if (end < 0)
        {
            walk = null;
            return double.PositiveInfinity;
        }
        walk = Reconstruct(end);
        return _dep[_layers * _nodes + end];
    }

    private static double Combine(double distance, double cost, PathMeasure measure) =>
        measure == PathMeasure.Sum ? distance + cost : Math.Max(distance, cost);

    private void RelaxLinks(int level, int b, double limit, PathMeasure measure)
    {
        var network = _problem.Network;
        var offset = level * _nodes;
        var cut = level - 1;
        _heap.Clear();
        for (var u = 0; u < _nodes; u++)
        {
            var from = _dep[offset + u];
            if (double.IsPositiveInfinity(from)) continue;
            foreach (var hop in network.Outgoing(u))
            {
                var cost = _problem.LinkCost(hop.Link, cut, b);
                if (!(cost < limit)) continue;
                var candidate = Combine(from, cost, measure);
                var v = offset + hop.To;
                if (candidate < _arr[v])
                {
                    _arr[v] = candidate;
                    _arrFromNode[v] = u;
                    _arrFromLink[v] = hop.Link;
                    _arrFromDeparture[v] = true;
                }
            }
        }
        for (var v = 0; v < _nodes; v++)
        {
            if (!double.IsPositiveInfinity(_arr[offset + v])) _heap.Enqueue(v, _arr[offset + v]);
        }
        while (_heap.TryDequeue(out var u, out var distance))
        {
            if (distance > _arr[offset + u]) continue; // stale entry
            foreach (var hop in network.Outgoing(u))
            {
                var cost = _problem.LinkCost(hop.Link, cut, b);
                if (!(cost < limit)) continue;
                var candidate = Combine(distance, cost, measure);
                var v = offset + hop.To;
                if (candidate < _arr[v])
                {
                    _arr[v] = candidate;
                    _arrFromNode[v] = u;
                    _arrFromLink[v] = hop.Link;
                    _arrFromDeparture[v] = false;
                    _heap.Enqueue(hop.To, candidate);
                }
            }
        }
    }

    private void RelaxCompute(int level, int b, double limit, PathMeasure measure)
    {
        var offset = level * _nodes;
        for (var n = 0; n < _nodes; n++)
        {
            var from = _arr[offset + n];
            if (double.IsPositiveInfinity(from) || !_problem.CanCompute(n)) continue;
            // Cost and memory only grow as the segment grows, so the first violation ends the scan.
            for (var last = level; last < _layers; last++)
            {
                var cost = _problem.ComputeCost(n, level, last, b);
                if (!(cost < limit) || !_problem.Fits(n, level, last)) break;
                var candidate = Combine(from, cost, measure);
                var target = (last + 1) * _nodes + n;
                if (candidate < _dep[target])
                {
                    _dep[target] = candidate;
                    _depFromLevel[target] = level;
                }
            }
        }
    }

    private int BestTerminal()
    {
        var offset = _layers * _nodes;
        var sink = _problem.Network.SinkIndex;
        if (sink >= 0) return double.IsPositiveInfinity(_dep[offset + sink]) ? -1 : sink;
        var best = -1;
        for (var n = 0; n < _nodes; n++)
        {
            if (double.IsPositiveInfinity(_dep[offset + n])) continue;
            if (best < 0 || _dep[offset + n] < _dep[offset + best]) best = n;
        }
        return best;
    }

    private Walk Reconstruct(int end)
    {
        var nodes = new List<int>();
        var links = new List<int>();
        var segments = new List<SegmentPlacement>();
        var level = _layers;
        var node = end;
        var atDeparture = true;
        nodes.Add(node);
        while (true)
        {
            var index = level * _nodes + node;
            if (atDeparture)
            {
                var first = _depFromLevel[index];
                segments.Add(new SegmentPlacement(node, first, level - 1));
                level = first;
                atDeparture = false;
                if (level == 0) break;
                continue;
            }
            links.Add(_arrFromLink[index]);
            atDeparture = _arrFromDeparture[index];
            node = _arrFromNode[index];
            nodes.Add(node);
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

    /// <summary>The first node the walk visits twice, or -1.</summary>
    public int FirstRevisitedNode()
    {
        var seen = new HashSet<int>();
        foreach (var n in Nodes)
        {
            if (!seen.Add(n)) return n;
        }
        return -1;
    }

    public PlanShape ToShape() => new(Nodes, Links, Segments);
}
