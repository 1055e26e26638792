using HopSplit.Planning.Model;

namespace HopSplit.Distributed.Recovery;

/// <summary>The network as the trainer has learnt it is: dead nodes removed, measured speeds put in.</summary>
public static class NetworkChanges
{
    /// <summary>
    /// <paramref name="network"/> without <paramref name="dead"/> nodes and every link that touches them. A dead node
    /// neither computes nor relays: its worker's death is taken as the device's, which is the safe reading.
    /// </summary>
    /// <exception cref="RecoveryFailedException">The source (where the data and the first layer are) or the sink died.</exception>
    public static Network Without(Network network, IReadOnlySet<string> dead)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(dead);
        if (dead.Contains(network.Source))
            throw new RecoveryFailedException($"node {network.Source} is dead and it is the data source: the first layer must run there, so no plan can continue without it; restart its worker and resume from the last checkpoint", dead);
        if (network.Sink is { } sink && dead.Contains(sink))
            throw new RecoveryFailedException($"node {sink} is dead and it is the sink where the last layer must run; restart its worker and resume from the last checkpoint", dead);
        return new Network(
            network.Nodes.Where(n => !dead.Contains(n.Id)).ToList(),
            network.Links.Where(l => !dead.Contains(l.From) && !dead.Contains(l.To)).ToList(),
            network.Source, network.Sink);
    }

    /// <summary>
    /// <paramref name="network"/> with each node in <paramref name="ratios"/> slowed (ratio above 1) or sped up by its
    /// measured / modeled ratio: FLOP/s divided and per-pass overhead multiplied by it, so every modeled time on the
    /// node scales by exactly the ratio.
    /// </summary>
    public static Network WithMeasuredSpeeds(Network network, IReadOnlyDictionary<string, double> ratios) => new(
        network.Nodes.Select(n => ratios.TryGetValue(n.Id, out var r) && n.Flops > 0 && r > 0
            ? n with { Flops = n.Flops / r, OverheadSeconds = n.OverheadSeconds * r }
            : n).ToList(),
        network.Links, network.Source, network.Sink);

    /// <summary>
    /// <paramref name="original"/> without the <paramref name="stillDead"/> nodes and their links, every other node and
    /// link as <paramref name="current"/> has it (measured speeds kept), or as planned when <paramref name="current"/>
    /// lacks it (a node coming back, and its links).
    /// </summary>
    public static Network Restored(Network original, Network current, IReadOnlySet<string> stillDead)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(stillDead);
        var nodes = current.Nodes.ToDictionary(n => n.Id);
        var links = current.Links.ToDictionary(l => (l.From, l.To));
        return new Network(
            original.Nodes.Where(n => !stillDead.Contains(n.Id)).Select(n => nodes.GetValueOrDefault(n.Id, n)).ToList(),
            original.Links.Where(l => !stillDead.Contains(l.From) && !stillDead.Contains(l.To)).Select(l => links.GetValueOrDefault((l.From, l.To), l)).ToList(),
            original.Source, original.Sink);
    }

    /// <summary>
    /// <paramref name="network"/> with each link in <paramref name="ratios"/> (matched by From and To) at its planned /
    /// measured bandwidth ratio: bandwidth divided by it (above 1: slower than planned); latencies stay.
    /// </summary>
    public static Network WithMeasuredBandwidth(Network network, IReadOnlyDictionary<(string From, string To), double> ratios)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(ratios);
        return new Network(network.Nodes,
            network.Links.Select(l => ratios.TryGetValue((l.From, l.To), out var r) && r > 0 ? l with { BitsPerSecond = l.BitsPerSecond / r } : l).ToList(),
            network.Source, network.Sink);
    }
}

/// <summary>No plan can continue training: the message names the dead nodes and the reason.</summary>
public sealed class RecoveryFailedException(string message, IReadOnlySet<string> deadNodes, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Every node found dead in this run.</summary>
    public IReadOnlySet<string> DeadNodes { get; } = deadNodes;
}
