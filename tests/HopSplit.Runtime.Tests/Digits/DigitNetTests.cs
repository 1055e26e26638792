using HopSplit.Samples.Digits;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Digits;

public class DigitNetTests
{
    [Fact]
    public void The_generated_cost_table_counts_the_parameters_TorchSharp_counts()
    {
        using var model = new DigitNet();

        var torchCount = model.parameters().Sum(p => p.numel());
        var tableCount = DigitNet.CostTable.Sum(row => row.Parameters);

        Assert.Equal(52_138, torchCount);
        Assert.Equal(torchCount, tableCount);
        Assert.Equal(tableCount, DigitNet.Costs.Layers.Sum(l => l.Parameters));
    }

    [Fact]
    public void It_has_ten_analysed_layers_that_chain_from_a_digit_to_ten_scores()
    {
        Assert.Equal(10, DigitNet.CostTable.Count);
        Assert.All(DigitNet.CostTable, row => Assert.Equal(CostSource.Analysis, row.Source));
        Assert.Equal(new[] { 1, 28, 28 }, DigitNet.CostTable[0].InputShape);
        Assert.Equal(new[] { 10 }, DigitNet.CostTable[^1].OutputShape);
        // No BatchNorm or Dropout: the runtime's micro-batch equivalence test needs per-sample layers.
        Assert.DoesNotContain(DigitNet.CostTable, row => row.Kind.Contains("Norm") || row.Kind.Contains("Dropout"));
    }

    [Fact]
    public void Every_layer_output_has_the_shape_the_cost_table_predicts()
    {
        using var scope = NewDisposeScope();
        using var model = new DigitNet();
        var x = randn(3, 1, 28, 28);

        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            x = model.ForwardLayers(layer, layer, x);
            Assert.Equal(new long[] { 3 }.Concat(DigitNet.CostTable[layer].OutputShape.Select(d => (long)d)), x.shape);
        }
    }
}
