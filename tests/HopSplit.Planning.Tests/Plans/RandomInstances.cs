using System.Globalization;
using System.Text;
using CsCheck;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Tests.Plans;

public enum Topology { Chain, Tree, Mesh }

/// <summary>A random planning instance; its text form is printed when a property fails.</summary>
public sealed record Instance(PlanningProblem Problem, Topology Topology, int Seed)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        var p = Problem;
        text.Append(CultureInfo.InvariantCulture, $"seed {Seed}, {Topology}, B = {p.BatchSize}, source {p.Network.Source}, sink {p.Network.Sink ?? "none"}\n");
        foreach (var l in p.Model.Layers) text.Append(CultureInfo.InvariantCulture, $"  layer {l}\n");
        foreach (var n in p.Network.Nodes) text.Append(CultureInfo.InvariantCulture, $"  node {n}\n");
        foreach (var l in p.Network.Links) text.Append(CultureInfo.InvariantCulture, $"  link {l}\n");
        return text.ToString();
    }
}

/// <summary>
/// Generators of planning instances: chains, trees and meshes with relays, memory-tight nodes,
/// directed links and fixed sinks. CsCheck chooses the sizes (and shrinks them on failure); a seeded
/// Random fills in the numbers, so a failure prints everything needed to reproduce it.
/// </summary>
public static class RandomInstances
{
    public static Gen<Instance> Gen(int maxLayers, int maxNodes, int maxBatch) =>
        CsCheck.Gen.Select(CsCheck.Gen.Int[1, maxLayers], CsCheck.Gen.Int[2, maxNodes], CsCheck.Gen.Int[0, 2], CsCheck.Gen.Int[1, maxBatch], CsCheck.Gen.Int,
            (layers, nodes, topology, batch, seed) => Create(layers, nodes, (Topology)topology, batch, seed));

    public static Instance Create(int layerCount, int nodeCount, Topology topology, int batch, int seed)
    {
        var random = new Random(seed);
        double LogUniform(double low, double high) => Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));

        var layers = new List<ModelLayer>();
        for (var i = 0; i < layerCount; i++)
        {
            var forward = LogUniform(1e6, 1e9);
            layers.Add(new ModelLayer($"l{i}", forward, forward * (1 + 2 * random.NextDouble()),
                Math.Round(LogUniform(10, 1e5)), random.NextDouble() < 0.2 ? 0 : Math.Round(LogUniform(10, 1e6))));
        }
        var model = new ModelCosts("random", Math.Round(LogUniform(10, 1e5)), layers);
        var optimizer = (OptimizerKind)random.Next(3);
        var job = new TrainingJob(batch, optimizer);
        var wholeModel = new PlanningProblem(model, new Network([new NetworkNode("x", 1, 1)], [], "x"), job).MemoryBytes(0, layerCount - 1);

        var nodes = new List<NetworkNode>();
        for (var i = 0; i < nodeCount; i++)
        {
            var relay = i > 0 && random.NextDouble() < 0.25;
            var tight = random.NextDouble() < 0.25;
            var memory = tight ? wholeModel * (0.05 + 0.6 * random.NextDouble()) : wholeModel * 2;
            var overhead = random.NextDouble() < 0.3 ? 0 : 0.005 * random.NextDouble();
            nodes.Add(relay ? new NetworkNode($"n{i}", 0, 0) : new NetworkNode($"n{i}", LogUniform(1e9, 1e12), memory, overhead));
        }

        var links = new List<NetworkLink>();
        var pairs = new HashSet<(int, int)>();
        void Link(int a, int b)
        {
            if (a == b || !pairs.Add((Math.Min(a, b), Math.Max(a, b)))) return;
            var directed = random.NextDouble() < 0.1; // directed away from the source side keeps the tree reachable
            links.Add(new NetworkLink($"n{a}", $"n{b}", LogUniform(1e6, 1e10), random.NextDouble() < 0.2 ? 0 : 0.01 * random.NextDouble(), directed));
        }
        var order = Enumerable.Range(1, nodeCount - 1).OrderBy(_ => random.Next()).Prepend(0).ToArray();
        for (var i = 1; i < nodeCount; i++)
        {
            var parent = topology == Topology.Chain ? order[i - 1] : order[random.Next(i)];
            Link(parent, order[i]);
        }
        if (topology == Topology.Mesh)
        {
            for (var a = 0; a < nodeCount; a++)
            for (var b = a + 1; b < nodeCount; b++)
                if (random.NextDouble() < 0.4) Link(a, b);
        }

        string? sink = null;
        if (random.NextDouble() < 0.3)
        {
            var compute = nodes.Where(n => n.Flops > 0).ToList();
            sink = compute[random.Next(compute.Count)].Id;
        }
        var network = new Network(nodes, links, "n0", sink);
        return new Instance(new PlanningProblem(model, network, job), topology, seed);
    }
}
