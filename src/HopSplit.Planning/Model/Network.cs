namespace HopSplit.Planning.Model;

/// <summary>A device of the network (MODEL.md section 2).</summary>
/// <param name="Id">Unique id.</param>
/// <param name="Flops">f: effective training FLOP/s; 0 makes the node a relay that only forwards.</param>
/// <param name="MemoryBytes">m: memory available for parameters, optimizer state and activations.</param>
/// <param name="OverheadSeconds">o: fixed cost of one compute pass.</param>
public sealed record NetworkNode(string Id, double Flops, double MemoryBytes, double OverheadSeconds = 0)
{
    public bool IsRelay => Flops == 0;
}

/// <summary>A link between two nodes; undirected unless <paramref name="Directed"/>.</summary>
public sealed record NetworkLink(string From, string To, double BitsPerSecond, double LatencySeconds, bool Directed = false);

/// <summary>The network a model trains over: nodes, links, the data source and an optional sink.</summary>
public sealed class Network
{
    private readonly Dictionary<string, int> _indexById;
    private readonly LinkHop[][] _outgoing;
    private readonly LinkHop[][] _incoming;

    /// <summary>Builds a network. Untrusted input goes through <see cref="Json.PlanningFiles"/>, which
    /// reports every problem by field; this constructor only rejects what would make the network meaningless.</summary>
    public Network(IReadOnlyList<NetworkNode> nodes, IReadOnlyList<NetworkLink> links, string source, string? sink = null)
    {
        Nodes = nodes;
        Links = links;
        Source = source;
        Sink = sink;
        _indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!_indexById.TryAdd(nodes[i].Id, i))
                throw new ArgumentException($"duplicate node id '{nodes[i].Id}'", nameof(nodes));
        }
        if (!_indexById.ContainsKey(source))
            throw new ArgumentException($"source '{source}' is not a node", nameof(source));
        if (sink is not null && !_indexById.ContainsKey(sink))
            throw new ArgumentException($"sink '{sink}' is not a node", nameof(sink));

        var outgoing = new List<LinkHop>[nodes.Count];
        for (var i = 0; i < outgoing.Length; i++) outgoing[i] = new List<LinkHop>();
        for (var l = 0; l < links.Count; l++)
        {
            var link = links[l];
            if (!_indexById.TryGetValue(link.From, out var from) || !_indexById.TryGetValue(link.To, out var to))
                throw new ArgumentException($"link {l} names an unknown node ('{link.From}' -> '{link.To}')", nameof(links));
            outgoing[from].Add(new LinkHop(l, from, to));
            if (!link.Directed) outgoing[to].Add(new LinkHop(l, to, from));
        }
        _outgoing = outgoing.Select(list => list.ToArray()).ToArray();
        _incoming = Enumerable.Range(0, nodes.Count)
            .Select(v => _outgoing.SelectMany(hops => hops).Where(h => h.To == v).ToArray())
            .ToArray();
    }

    public IReadOnlyList<NetworkNode> Nodes { get; }
    public IReadOnlyList<NetworkLink> Links { get; }
    public string Source { get; }
    public string? Sink { get; }

    public int SourceIndex => _indexById[Source];
    public int SinkIndex => Sink is null ? -1 : _indexById[Sink];

    public int IndexOf(string id) => _indexById.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The hops that leave node <paramref name="node"/> (both directions of an undirected link).</summary>
    internal ReadOnlySpan<LinkHop> Outgoing(int node) => _outgoing[node];

    /// <summary>The hops that arrive at node <paramref name="node"/>.</summary>
    internal ReadOnlySpan<LinkHop> Incoming(int node) => _incoming[node];

    /// <summary>The fewest-hop tree from the source (breadth first over the links' directions).</summary>
    internal HopTree FewestHopTree()
    {
        var parents = Enumerable.Repeat(-1, Nodes.Count).ToArray();
        var parentLinks = Enumerable.Repeat(-1, Nodes.Count).ToArray();
        var reached = new bool[Nodes.Count];
        var queue = new Queue<int>();
        reached[SourceIndex] = true;
        queue.Enqueue(SourceIndex);
        while (queue.TryDequeue(out var u))
        {
            foreach (var hop in Outgoing(u))
            {
                if (reached[hop.To]) continue;
                reached[hop.To] = true;
                parents[hop.To] = u;
                parentLinks[hop.To] = hop.Link;
                queue.Enqueue(hop.To);
            }
        }
        return new HopTree(SourceIndex, parents, parentLinks, reached);
    }

    /// <summary>A copy of this network in which only the given nodes may compute; the others relay.</summary>
    public Network WithComputeOnly(IReadOnlySet<string> computeNodes) => new(
        Nodes.Select(n => computeNodes.Contains(n.Id) ? n : n with { Flops = 0 }).ToList(),
        Links, Source, Sink);
}

/// <summary>Fewest-hop routes from the root: each reached node's parent and the link from it (-1 where none).</summary>
internal sealed record HopTree(int Root, int[] Parents, int[] ParentLinks, bool[] Reached)
{
    public int Hops(int node)
    {
        var hops = 0;
        for (var n = node; n != Root; n = Parents[n]) hops++;
        return hops;
    }
}

/// <summary>One direction of a link, as seen from the node it leaves.</summary>
internal readonly record struct LinkHop(int Link, int From, int To);
