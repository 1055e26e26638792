using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Networks;

/// <summary>
/// The network families of the evaluation. Compute speeds are effective training FLOP/s: the source device
/// runs at <see cref="DeviceFlops"/>, the fastest node at <c>heterogeneity</c> times that. Links carry a
/// fixed latency; overheads are per compute pass.
/// </summary>
public static class NetworkFactory
{
    /// <summary>An edge device's effective training speed (a phone or Jetson-class GPU, 200 GFLOP/s).</summary>
    public const double DeviceFlops = 2e11;

    private const double LinkLatencySeconds = 0.002;
    private const double OverheadSeconds = 0.002;
    private const double DeviceMemory = 4e9;
    private const double EdgeMemory = 16e9;
    private const double CloudMemory = 64e9;

    /// <summary>
    /// A chain of <paramref name="hops"/> hops: the device, hops - 1 intermediate nodes and a cloud node.
    /// Node i computes at DeviceFlops * heterogeneity^(i / hops): speed grows geometrically along the chain.
    /// Every node but the cloud has its memory multiplied by <paramref name="memoryScale"/> (memory-tight nodes).
    /// </summary>
    public static Network Chain(int hops, double bitsPerSecond, double heterogeneity = 10, double memoryScale = 1)
    {
        var nodes = new List<NetworkNode>();
        for (var i = 0; i <= hops; i++)
        {
            var flops = DeviceFlops * Math.Pow(heterogeneity, (double)i / hops);
            var (id, memory) = i == 0 ? ("device", DeviceMemory * memoryScale)
                : i == hops ? ("cloud", CloudMemory)
                : ($"edge{i}", EdgeMemory * memoryScale);
            nodes.Add(new NetworkNode(id, flops, memory, OverheadSeconds));
        }
        var links = Enumerable.Range(0, hops)
            .Select(i => new NetworkLink(nodes[i].Id, nodes[i + 1].Id, bitsPerSecond, LinkLatencySeconds))
            .ToList();
        return new Network(nodes, links, "device");
    }

    /// <summary>
    /// A hierarchy as a tree: a cloud root, two edge servers, two gateways (relays) under each and two devices under
    /// each gateway; the source is the first device. Links get faster towards the root (device uplinks at the base
    /// bandwidth, gateway uplinks 4x, edge-cloud 2x), each drawn within a factor of 2 of that.
    /// </summary>
    public static Network Tree(Random random, double bitsPerSecond, double heterogeneity = 10)
    {
        var nodes = new List<NetworkNode> { new("cloud", DeviceFlops * heterogeneity, CloudMemory, OverheadSeconds) };
        var links = new List<NetworkLink>();
        string? source = null;
        for (var e = 0; e < 2; e++)
        {
            var edge = $"edge{e}";
            nodes.Add(new NetworkNode(edge, DeviceFlops * Math.Sqrt(heterogeneity) * Jitter(random), EdgeMemory, OverheadSeconds));
            links.Add(new NetworkLink("cloud", edge, 2 * bitsPerSecond * Jitter(random), LinkLatencySeconds * 5));
            for (var g = 0; g < 2; g++)
            {
                var gateway = $"gw{e}{g}";
                nodes.Add(new NetworkNode(gateway, 0, 0));
                links.Add(new NetworkLink(edge, gateway, 4 * bitsPerSecond * Jitter(random), LinkLatencySeconds));
                for (var d = 0; d < 2; d++)
                {
                    var device = $"dev{e}{g}{d}";
                    nodes.Add(new NetworkNode(device, DeviceFlops * Jitter(random), DeviceMemory, OverheadSeconds));
                    links.Add(new NetworkLink(gateway, device, bitsPerSecond * Jitter(random), LinkLatencySeconds));
                    source ??= device;
                }
            }
        }
        return new Network(nodes, links, source!);
    }

    /// <summary>
    /// A random mesh of <paramref name="nodeCount"/> nodes: node i links to two or three earlier nodes; speeds are
    /// log-uniform between DeviceFlops and heterogeneity times that (the source is the slowest), one node in five is
    /// a relay, and bandwidths are log-uniform within a factor of 3 of the base.
    /// </summary>
    public static Network Mesh(Random random, int nodeCount, double bitsPerSecond, double heterogeneity = 10)
    {
        var nodes = new List<NetworkNode> { new("device", DeviceFlops, DeviceMemory, OverheadSeconds) };
        for (var i = 1; i < nodeCount; i++)
        {
            nodes.Add(random.NextDouble() < 0.2
                ? new NetworkNode($"relay{i}", 0, 0)
                : new NetworkNode($"node{i}", DeviceFlops * LogUniform(random, 1, heterogeneity), EdgeMemory, OverheadSeconds));
        }
        var links = new List<NetworkLink>();
        var pairs = new HashSet<(int, int)>();
        for (var i = 1; i < nodeCount; i++)
        {
            var degree = Math.Min(i, 2 + random.Next(2));
            for (var k = 0; k < degree; k++)
            {
                var j = random.Next(i);
                if (pairs.Add((j, i)))
                    links.Add(new NetworkLink(nodes[j].Id, nodes[i].Id, bitsPerSecond * LogUniform(random, 1.0 / 3, 3), LinkLatencySeconds));
            }
        }
        return new Network(nodes, links, "device");
    }

    /// <summary>The same network with every link's bandwidth multiplied by its own factor (node and link order kept).</summary>
    public static Network WithBandwidthFactors(Network network, IReadOnlyList<double> factors) => new(
        network.Nodes,
        network.Links.Select((l, i) => l with { BitsPerSecond = l.BitsPerSecond * factors[i] }).ToList(),
        network.Source,
        network.Sink);

    public static double LogUniform(Random random, double low, double high) =>
        Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));

    private static double Jitter(Random random) => LogUniform(random, 0.5, 2);
}
