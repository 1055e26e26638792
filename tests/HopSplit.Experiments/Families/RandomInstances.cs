using HopSplit.Experiments.Models;
using HopSplit.Experiments.Networks;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Families;

/// <summary>A seeded random planning instance and how it was drawn (for the CSV).</summary>
public sealed record RandomInstance(string Model, string Network, double Mbps, double Heterogeneity, int BatchSize, PlanningProblem Problem);

/// <summary>
/// Draws instances over the whole space of the evaluation: a real model or a synthetic CNN of 8-40 layers, a chain
/// (3-10 hops), tree or mesh (6-16 nodes), bandwidth 10 Mbps-1 Gbps and heterogeneity 1x-100x (log-uniform), B of 16, 32 or 64.
/// </summary>
public static class RandomInstances
{
    public static RandomInstance Draw(Random random)
    {
        var models = ModelCatalog.All;
        var pick = random.Next(models.Count + 1);
        var model = pick < models.Count ? models[pick].Costs : SyntheticModels.Cnn(random, 8 + random.Next(33));
        var mbps = NetworkFactory.LogUniform(random, 10, 1000);
        var heterogeneity = NetworkFactory.LogUniform(random, 1, 100);
        var (name, network) = random.Next(3) switch
        {
            0 => Chain(random, mbps, heterogeneity),
            1 => ("tree", NetworkFactory.Tree(random, mbps * 1e6, heterogeneity)),
            _ => Mesh(random, mbps, heterogeneity),
        };
        var batch = new[] { 16, 32, 64 }[random.Next(3)];
        return new RandomInstance(model.Name, name, mbps, heterogeneity, batch, new PlanningProblem(model, network, new TrainingJob(batch)));
    }

    private static (string, Network) Chain(Random random, double mbps, double heterogeneity)
    {
        var hops = 3 + random.Next(8);
        return ($"chain{hops}", NetworkFactory.Chain(hops, mbps * 1e6, heterogeneity));
    }

    private static (string, Network) Mesh(Random random, double mbps, double heterogeneity)
    {
        var nodes = 6 + random.Next(11);
        return ($"mesh{nodes}", NetworkFactory.Mesh(random, nodes, mbps * 1e6, heterogeneity));
    }
}
