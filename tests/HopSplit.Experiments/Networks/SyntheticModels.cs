using HopSplit.Planning.Model;

namespace HopSplit.Experiments.Networks;

/// <summary>
/// Seeded CNN-like models of any depth for the scaling experiments (as tests/HopSplit.Benchmarks' instances):
/// cheap early layers with big activations, expensive later layers with small ones.
/// </summary>
public static class SyntheticModels
{
    public static ModelCosts Cnn(Random random, int layers)
    {
        var list = new List<ModelLayer>();
        for (var i = 0; i < layers; i++)
        {
            var depth = (double)i / Math.Max(1, layers - 1);
            var forward = NetworkFactory.LogUniform(random, 1e7, 1e9) * (1 + 9 * depth);
            var activations = Math.Round(NetworkFactory.LogUniform(random, 1e3, 1e5) * (1 - 0.9 * depth));
            var parameters = Math.Round(NetworkFactory.LogUniform(random, 1e3, 1e6) * (0.1 + depth));
            list.Add(new ModelLayer($"layer{i}", forward, 2 * forward, activations, parameters));
        }
        return new ModelCosts($"synthetic-{layers}", 3 * 32 * 32, list);
    }
}
