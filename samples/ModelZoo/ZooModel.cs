using HopSplit.Planning.Model;

namespace HopSplit.Samples.ModelZoo;

/// <summary>A model of the zoo: its generated cost table and the <see cref="ModelCosts"/> the planner takes.</summary>
/// <param name="Key">The command-line name (vgg16, resnet18).</param>
/// <param name="Title">A readable name.</param>
/// <param name="Costs">The generated <c>Costs</c>.</param>
/// <param name="CostTable">The generated <c>CostTable</c>: one row per layer with shapes and where the numbers come from.</param>
public sealed record ZooModel(string Key, string Title, ModelCosts Costs, IReadOnlyList<LayerCostRow> CostTable)
{
    /// <summary>Trainable parameters of the whole model.</summary>
    public double Parameters => CostTable.Sum(r => r.Parameters);

    /// <summary>Forward FLOPs per sample of the whole model.</summary>
    public double ForwardFlops => CostTable.Sum(r => r.ForwardFlops);

    /// <summary>The models the sample plans, by command-line name.</summary>
    public static IReadOnlyList<ZooModel> All { get; } =
    [
        new("vgg16", "VGG-16", Models.Vgg16.Costs, Models.Vgg16.CostTable),
        new("resnet18", "ResNet-18", Models.ResNet18.Costs, Models.ResNet18.CostTable),
    ];

    /// <summary>The model with this command-line name.</summary>
    public static ZooModel Named(string key) => All.Single(m => m.Key == key);
}
