namespace HopSplit.Planning.Costs;

/// <summary>A segment of consecutive layers placed on one node (node is an index into the network).</summary>
public readonly record struct SegmentPlacement(int Node, int FirstLayer, int LastLayer);

/// <summary>
/// Model splitting and placement without the micro-batch size (MODEL.md section 3): a simple path
/// from the source, the links between its nodes, and the segments on its compute nodes in path order.
/// </summary>
public sealed class PlanShape : IEquatable<PlanShape>
{
    public PlanShape(IReadOnlyList<int> pathNodes, IReadOnlyList<int> pathLinks, IReadOnlyList<SegmentPlacement> segments)
    {
        if (pathLinks.Count != pathNodes.Count - 1)
            throw new ArgumentException("a path of n nodes has n - 1 links", nameof(pathLinks));
        PathNodes = pathNodes;
        PathLinks = pathLinks;
        Segments = segments;
    }

    public IReadOnlyList<int> PathNodes { get; }

    /// <summary>PathLinks[i] is the link index between PathNodes[i] and PathNodes[i + 1].</summary>
    public IReadOnlyList<int> PathLinks { get; }

    public IReadOnlyList<SegmentPlacement> Segments { get; }

    /// <summary>The stages in pipeline order: compute, then the link hops to the next compute node, and so on.</summary>
    public IEnumerable<StageRef> Stages()
    {
        var position = 0;
        for (var s = 0; s < Segments.Count; s++)
        {
            var segment = Segments[s];
            while (PathNodes[position] != segment.Node) position++;
            yield return StageRef.Compute(segment.Node, segment.FirstLayer, segment.LastLayer);
            if (s + 1 == Segments.Count) break;
            var next = Segments[s + 1].Node;
            for (var p = position; PathNodes[p] != next; p++)
                yield return StageRef.Hop(PathLinks[p], PathNodes[p], PathNodes[p + 1], segment.LastLayer);
        }
    }

    public bool Equals(PlanShape? other) =>
        other is not null && PathNodes.SequenceEqual(other.PathNodes) && PathLinks.SequenceEqual(other.PathLinks)
        && Segments.SequenceEqual(other.Segments);

    public override bool Equals(object? obj) => Equals(obj as PlanShape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var n in PathNodes) hash.Add(n);
        foreach (var s in Segments) hash.Add(s);
        return hash.ToHashCode();
    }
}

/// <summary>A pipeline stage: a compute segment (Node, FirstLayer..LastLayer) or a link hop (Link, From, To, cut after LastLayer).</summary>
public readonly record struct StageRef(bool IsLink, int Node, int Link, int From, int To, int FirstLayer, int LastLayer)
{
    public static StageRef Compute(int node, int first, int last) => new(false, node, -1, -1, -1, first, last);

    public static StageRef Hop(int link, int from, int to, int cutLayer) => new(true, -1, link, from, to, cutLayer, cutLayer);

    public StageTime Time(PlanningProblem problem, int b) =>
        IsLink ? problem.LinkTime(Link, LastLayer, b) : problem.ComputeTime(Node, FirstLayer, LastLayer, b);
}
