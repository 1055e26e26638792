using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Benchmarks;

/// <summary>The two network families the benchmarks plan on.</summary>
public enum NetworkFamily
{
    /// <summary>A multi-hop edge network: devices, access points, edge servers, cloud, each tier linked to the one before.</summary>
    EdgeHierarchy,
    /// <summary>A stress case: devices, relays, edge and cloud nodes placed at random in a mesh of fast links.</summary>
    RandomMesh,
}

/// <summary>
/// Seeded planning instances for benchmarks: a CNN-like model (cheap early layers with big
/// activations, expensive later layers with small ones) on a network of the given family.
/// </summary>
public static class SyntheticInstances
{
    public static PlanningProblem Create(int layers, int nodes, NetworkFamily family, int batch = 64, int seed = 42)
    {
        var random = new Random(seed);
        var model = Model(layers, random);
        var network = family == NetworkFamily.EdgeHierarchy ? EdgeHierarchy(nodes, random) : RandomMesh(nodes, random);
        return new PlanningProblem(model, network, new TrainingJob(batch));
    }

    private static double LogUniform(Random random, double low, double high) =>
        Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));

    private static ModelCosts Model(int layers, Random random)
    {
        double LogUniform(double low, double high) => SyntheticInstances.LogUniform(random, low, high);

        var modelLayers = new List<ModelLayer>();
        for (var i = 0; i < layers; i++)
        {
            var depth = (double)i / Math.Max(1, layers - 1);
            var forward = LogUniform(1e6, 1e8) * (1 + 9 * depth);
            var activations = Math.Round(LogUniform(1e3, 1e5) * (1 - 0.9 * depth));
            modelLayers.Add(new ModelLayer($"layer{i}", forward, 2 * forward, activations, Math.Round(LogUniform(1e3, 1e6) * (0.1 + depth))));
        }
        return new ModelCosts($"synthetic-{layers}", 3 * 32 * 32, modelLayers);
    }

    /// <summary>
    /// Tiers away from the source: devices (slow, on wireless links), access points (relays), edge
    /// servers (fast LAN), cloud (fastest, behind WAN links). Each node links to one or two nodes of
    /// the tier before it, and sometimes to a peer of its own tier.
    /// </summary>
    private static Network EdgeHierarchy(int nodes, Random random)
    {
        double LogUniform(double low, double high) => SyntheticInstances.LogUniform(random, low, high);
        var tiers = new List<List<NetworkNode>> { new() { new NetworkNode("device0", 2e10, 4e9, 0.001) } };
        var counts = new[] { (nodes - 1) / 4, (nodes - 1) / 4, (nodes - 1) * 3 / 10, 0 };
        counts[1] = Math.Max(1, counts[1]);
        counts[2] = Math.Max(1, counts[2]);
        counts[3] = Math.Max(1, nodes - 1 - counts[0] - counts[1] - counts[2]);
        var links = new List<NetworkLink>();
        var index = 1;
        for (var tier = 0; tier < 4; tier++)
        {
            var members = tier == 0 ? tiers[0] : new List<NetworkNode>();
            for (var k = 0; k < counts[tier]; k++, index++)
            {
                var node = tier switch
                {
                    0 => new NetworkNode($"device{index}", LogUniform(1e10, 5e10), 4e9, 0.001),
                    1 => new NetworkNode($"ap{index}", 0, 0),
                    2 => new NetworkNode($"edge{index}", LogUniform(1e11, 1e12), 3.2e10, 0.0005),
                    _ => new NetworkNode($"cloud{index}", LogUniform(1e12, 1e13), 2.56e11, 0.0002),
                };
                members.Add(node);
            }
            if (tier > 0) tiers.Add(members);
        }
        // Devices reach the network through access points: link them to the access tier, not to each other.
        var uplink = new[] { (1e7, 1e8, 1e-3, 5e-3), (1e8, 1e9, 2e-4, 1e-3), (5e7, 1e9, 1e-2, 3e-2) };
        var pairs = new HashSet<(string, string)>();
        void Link(NetworkNode a, NetworkNode b, double lowRate, double highRate, double lowDelay, double highDelay)
        {
            if (a.Id == b.Id || !pairs.Add((a.Id, b.Id)) || pairs.Contains((b.Id, a.Id))) return;
            links.Add(new NetworkLink(a.Id, b.Id, LogUniform(lowRate, highRate), LogUniform(lowDelay, highDelay)));
        }
        foreach (var device in tiers[0])
        {
            for (var k = 0; k < 1 + random.Next(2); k++)
            {
                var (lr, hr, ld, hd) = uplink[0];
                Link(device, tiers[1][random.Next(tiers[1].Count)], lr, hr, ld, hd);
            }
        }
        for (var tier = 2; tier < 4; tier++)
        {
            var (lr, hr, ld, hd) = uplink[tier - 1];
            foreach (var node in tiers[tier])
            {
                for (var k = 0; k < 1 + random.Next(2); k++) Link(tiers[tier - 1][random.Next(tiers[tier - 1].Count)], node, lr, hr, ld, hd);
                if (random.NextDouble() < 0.3) Link(node, tiers[tier][random.Next(tiers[tier].Count)], 1e9, 1e10, 1e-4, 5e-4);
            }
        }
        // Every access point has an uplink, so no relay is a dead end.
        foreach (var ap in tiers[1].Where(ap => !links.Any(l => l.From == ap.Id && l.To.StartsWith("edge", StringComparison.Ordinal))))
        {
            var (lr, hr, ld, hd) = uplink[1];
            Link(ap, tiers[2][random.Next(tiers[2].Count)], lr, hr, ld, hd);
        }
        return new Network(tiers.SelectMany(t => t).ToList(), links, "device0");
    }

    /// <summary>Nodes of every kind placed at random; each links to two or three earlier ones over fast links.</summary>
    private static Network RandomMesh(int nodes, Random random)
    {
        double LogUniform(double low, double high) => SyntheticInstances.LogUniform(random, low, high);
        var deviceNodes = new List<NetworkNode> { new("device0", 5e10, 4e9, 0.001) };
        for (var i = 1; i < nodes; i++)
        {
            var tier = random.Next(4);
            deviceNodes.Add(tier switch
            {
                0 => new NetworkNode($"relay{i}", 0, 0),
                1 => new NetworkNode($"device{i}", LogUniform(1e10, 1e11), 4e9, 0.001),
                2 => new NetworkNode($"edge{i}", LogUniform(1e11, 1e12), 3.2e10, 0.0005),
                _ => new NetworkNode($"cloud{i}", LogUniform(1e12, 1e13), 2.56e11, 0.0002),
            });
        }
        var links = new List<NetworkLink>();
        var pairs = new HashSet<(int, int)>();
        for (var i = 1; i < nodes; i++)
        {
            var degree = Math.Min(i, 2 + random.Next(2));
            for (var k = 0; k < degree; k++)
            {
                var j = random.Next(i);
                if (!pairs.Add((j, i))) continue;
                links.Add(new NetworkLink(deviceNodes[j].Id, deviceNodes[i].Id, LogUniform(1e7, 1e10), LogUniform(1e-4, 1e-2)));
            }
        }
        return new Network(deviceNodes, links, "device0");
    }
}
