using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Solver;

/// <summary>
/// The memory of <see cref="RelaxedCostToGo"/>'s ng-route relaxation: a few nodes, the ones that
/// compute the model fastest, whose visits every state of the backward search remembers (bit i:
/// the walk from here to the end visits the i-th remembered node after this one). Stepping back
/// over a link onto a remembered node the walk visits later is forbidden. Relaxed walks come back to
/// a fast node to split its work into two stages, over any cheap cycle, so remembering those nodes
/// everywhere (not only near them, as classic ng-sets do) is what removes the cycles. A simple plan
/// never visits a node twice, so it passes every check: the bound stays a lower bound.
/// </summary>
internal sealed class RememberedNodes
{
    private readonly int[] _bitOf; // per node: its memory bit, 0 when it is not remembered

    public RememberedNodes(PlanningProblem problem, int count)
    {
        if (count is < 0 or > 8) throw new ArgumentOutOfRangeException(nameof(count), count, "the ng-route bound remembers 0 to 8 nodes");
        var nodes = problem.NodeCount;
        var work = new double[nodes];
        for (var n = 0; n < nodes; n++) work[n] = problem.PrefixWorkSeconds(n, problem.LayerCount, 1);
        Nodes = Enumerable.Range(0, nodes).Where(problem.CanCompute).OrderBy(n => work[n]).ThenBy(n => n).Take(count).ToArray();
        _bitOf = new int[nodes];
        for (var i = 0; i < Nodes.Count; i++) _bitOf[Nodes[i]] = 1 << i;
        Memories = 1 << Nodes.Count;
    }

    /// <summary>The remembered nodes, fastest first.</summary>
    public IReadOnlyList<int> Nodes { get; }

    /// <summary>Memory sets: 2^(remembered nodes).</summary>
    public int Memories { get; }

    /// <summary>The node's memory bit (0 when it is not remembered).</summary>
    public int BitOf(int node) => _bitOf[node];

    /// <summary>The memory at the hop's tail when its head remembers <paramref name="memory"/>; -1 when the tail is remembered (a revisit).</summary>
    public int Before(LinkHop hop, int memory) => (memory & _bitOf[hop.From]) != 0 ? -1 : memory | _bitOf[hop.To];
}
