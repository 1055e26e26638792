using System.Reflection;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Samples.CustomLayer;

namespace HopSplit.Samples.Tests.CustomLayer;

/// <summary>The sample's [LayerCost] is what the generated cost table uses, and its numbers are honest.</summary>
public class SeNetCostTests
{
    private static LayerCostAttribute Attribute =>
        typeof(SeNet).GetField("se", BindingFlags.NonPublic | BindingFlags.Instance)!.GetCustomAttribute<LayerCostAttribute>()!;

    private static LayerCostRow SeRow => SeNet.CostTable.Single(r => r.Name == "se");

    [Fact]
    public void The_generated_row_of_the_custom_layer_is_the_attributes()
    {
        var attribute = Attribute;
        var row = SeRow;
        Assert.Equal(CostSource.Attribute, row.Source);
        Assert.Equal("SqueezeExcite", row.Kind);
        Assert.Equal(attribute.ForwardFlops, row.ForwardFlops);
        Assert.Equal(2 * attribute.ForwardFlops, row.BackwardFlops); // BackwardFlops left at 0: twice the forward
        Assert.Equal(attribute.Parameters, row.Parameters);
        Assert.Equal(attribute.OutputShape, row.OutputShape);
        Assert.Equal(attribute.OutputShape!.Aggregate(1, (a, d) => a * d), row.OutputElements);
        Assert.Equal(row.ToLayer(), SeNet.Costs.Layers[SeNet.CostTable.ToList().IndexOf(row)]);
        // Every other layer is analysed, and the layers after the custom one chain from its declared output shape.
        Assert.All(SeNet.CostTable.Where(r => r.Name != "se"), r => Assert.Equal(CostSource.Analysis, r.Source));
        Assert.Equal(row.OutputShape, SeNet.CostTable.Single(r => r.Name == "conv2").InputShape);
    }

    [Fact]
    public void The_attribute_counts_the_block_as_the_generator_counts_its_analysable_parts()
    {
        var attribute = Attribute;
        var row = SeRow;
        // The block keeps its input's shape, and that input is the 32x16x16 SqueezeExciteParts is declared on.
        Assert.Equal(row.InputShape, row.OutputShape);
        Assert.Equal(row.InputShape, SqueezeExciteParts.CostTable[0].InputShape);
        var scale = row.InputShape.Aggregate(1d, (a, d) => a * d); // one multiply per element by its channel's gate
        Assert.Equal(SqueezeExciteParts.CostTable.Sum(r => r.ForwardFlops) + scale, attribute.ForwardFlops);
        Assert.Equal(SqueezeExciteParts.CostTable.Sum(r => r.Parameters), attribute.Parameters);
    }

    [Fact]
    public void The_sample_prints_the_attribute_row_and_the_planners_plan()
    {
        var output = new StringWriter();
        Assert.Equal(0, CustomLayerApp.Run(output));
        var text = output.ToString();

        var problem = new HopSplit.Planning.Costs.PlanningProblem(SeNet.Costs, CameraNetwork.Network, new TrainingJob(CustomLayerApp.BatchSize));
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequential = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        Assert.Contains("SqueezeExcite  32x16x16           552         17,584  Attribute", text);
        Assert.Contains("'se' (SqueezeExcite) is a user-written module: its costs come from its [LayerCost] attribute.", text);
        Assert.Contains($"Plan (bsp): {string.Join(" -> ", plan.Path)}; mini-batch 64 in {plan.MicroBatches} micro-batch(es) of {plan.MicroBatchSize}", text);
        Assert.Contains($"Predicted {Ms(plan.LatencySeconds)} per mini-batch, sequential split learning {Ms(sequential.LatencySeconds)}", text);
        // The camera is too slow to train alone and its Wi-Fi too slow to ship raw activations: the plan splits.
        Assert.True(plan.Segments.Count >= 2);
        Assert.True(sequential.LatencySeconds > 1.2 * plan.LatencySeconds);
    }

    private static string Ms(double seconds) => (seconds * 1000).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
