using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Benchmarks;

/// <summary>
/// Seeded edge-network planning instances for benchmarks: a CNN-like model (cheap early layers with
/// big activations, expensive later layers with small ones) on a mesh of devices, access points
/// (relays), edge servers and cloud nodes, where each node links to two or three earlier ones.
/// </summary>
public static class SyntheticInstances
{
    public static PlanningProblem Create(int layers, int nodes, int batch = 64, int seed = 42)
    {
        var random = new Random(seed);
        double LogUniform(double low, double high) => Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));

        var modelLayers = new List<ModelLayer>();
        for (var i = 0; i < layers; i++)
        {
            var depth = (double)i / Math.Max(1, layers - 1);
            var forward = LogUniform(1e6, 1e8) * (1 + 9 * depth);
            var activations = Math.Round(LogUniform(1e3, 1e5) * (1 - 0.9 * depth));
            modelLayers.Add(new ModelLayer($"layer{i}", forward, 2 * forward, activations, Math.Round(LogUniform(1e3, 1e6) * (0.1 + depth))));
        }
        var model = new ModelCosts($"synthetic-{layers}", 3 * 32 * 32, modelLayers);

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
        var network = new Network(deviceNodes, links, "device0");
        return new PlanningProblem(model, network, new TrainingJob(batch));
    }
}
