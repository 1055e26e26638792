using System.Reflection;
using HopSplit.Samples.CustomLayer;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.SampleModels;

/// <summary>The CustomLayer sample's [LayerCost] against the real squeeze-and-excitation module: its parameters and
/// its output shape (the FLOPs are checked against the generator's count in tests/HopSplit.Samples.Tests).</summary>
public class CustomLayerModuleTests
{
    [Fact]
    public void The_LayerCost_has_the_real_modules_parameters_and_output_shape()
    {
        var cost = typeof(SeNet).GetField("se", BindingFlags.NonPublic | BindingFlags.Instance)!.GetCustomAttribute<LayerCostAttribute>()!;
        using var scope = NewDisposeScope();
        using var block = new SqueezeExcite(32, 4);
        Assert.Equal(cost.Parameters, block.parameters().Sum(p => p.numel()));
        var x = randn(2, 32, 16, 16);
        var y = block.forward(x);
        Assert.Equal(new long[] { 2 }.Concat(cost.OutputShape!.Select(d => (long)d)), y.shape);
        // Each channel is the input's scaled by a gate in (0, 1): same sign, smaller magnitude.
        Assert.True((y * x).ge(0).all().item<bool>());
        Assert.True(y.abs().le(x.abs()).all().item<bool>());
    }

    [Fact]
    public void SeNet_runs_through_the_shapes_its_cost_table_predicts_and_its_forward_is_the_chain()
    {
        using var scope = NewDisposeScope();
        using var model = new SeNet();
        Assert.Equal(SeNet.CostTable.Sum(r => r.Parameters), model.parameters().Sum(p => p.numel()));
        var input = randn(3, 3, 32, 32);
        var x = input;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            x = model.ForwardLayers(layer, layer, x);
            Assert.Equal(new long[] { 3 }.Concat(SeNet.CostTable[layer].OutputShape.Select(d => (long)d)), x.shape);
        }
        // The hand-written forward (kept so that HS0001 shows without the [LayerCost]) is the generated chain.
        Assert.True(model.forward(input).allclose(x));
    }

    [Fact]
    public void A_reduction_that_does_not_divide_the_channels_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SqueezeExcite(32, 5));
        Assert.Equal("reduction", e.ParamName);
    }
}
