using System.Runtime.CompilerServices;
using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The costs a level-by-level search reads over and over, laid out in flat arrays: every link's
/// stage cost at every cut and every node's prefix work for one micro-batch size (filled once per b,
/// reused by every threshold), and which segments fit each node's memory (the same for every b).
/// The values come from <see cref="PlanningProblem"/>'s own methods, so they are bit for bit the costs
/// the plan is scored with: a stage whose cost equals a threshold is kept or dropped exactly as there.
/// </summary>
internal sealed class LevelCosts
{
    private readonly PlanningProblem _problem;
    private readonly int _layers;
    private readonly int _nodes;
    private readonly int _links;
    private readonly int[] _firstFitting; // per (node, last): the smallest first layer with first..last in memory (last + 1: none)
    private readonly double[] _linkCost;  // per (cut, link)
    private readonly double[] _prefixWork; // per (level, node)
    private int _b;

    public LevelCosts(PlanningProblem problem)
    {
        _problem = problem;
        _layers = problem.LayerCount;
        _nodes = problem.NodeCount;
        _links = problem.Network.Links.Count;
        _firstFitting = new int[_nodes * _layers];
        _linkCost = new double[Math.Max(0, _layers - 1) * _links];
        _prefixWork = new double[(_layers + 1) * _nodes];
        // Memory only grows with a segment at either end (MODEL.md section 6; the solver's sliding
        // windows rely on it too), so the smallest first layer that fits only moves forward with the
        // last: two pointers find them all in O(layers) per node.
        for (var n = 0; n < _nodes; n++)
        {
            var first = 0;
            for (var last = 0; last < _layers; last++)
            {
                while (first <= last && !problem.Fits(n, first, last)) first++;
                _firstFitting[n * _layers + last] = first;
            }
        }
    }

    /// <summary>Fills the b-dependent tables (nothing to do when they already hold b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare(int b)
    {
        if (b == _b) return;
        _b = b;
        for (var cut = 0; cut < _layers - 1; cut++)
        for (var link = 0; link < _links; link++)
            _linkCost[cut * _links + link] = _problem.LinkCost(link, cut, b);
        for (var level = 0; level <= _layers; level++)
        for (var n = 0; n < _nodes; n++)
            _prefixWork[level * _nodes + n] = _problem.PrefixWorkSeconds(n, level, b);
    }

    /// <summary>Every link's stage cost carrying the cut after layer <paramref name="cut"/> (for the prepared b), indexed by link.</summary>
    public ReadOnlySpan<double> LinkCosts(int cut) => _linkCost.AsSpan(cut * _links, _links);

    /// <summary><see cref="PlanningProblem.PrefixWorkSeconds"/> for the prepared b.</summary>
    public double PrefixWork(int node, int level) => _prefixWork[level * _nodes + node];

    /// <summary>
    /// <see cref="PlanningProblem.SegmentAllowed"/> for the prepared b: layers first..last on node fit
    /// its memory and cost less than the limit.
    /// </summary>
    public bool SegmentAllowed(int node, int first, int last, double limit) =>
        first >= _firstFitting[node * _layers + last] && _problem.ComputeCost(node, first, last, _b) < limit;
}
