using HopSplit.Samples.ModelZoo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.SampleModels;

/// <summary>
/// The ModelZoo sample's VGG-16 and ResNet-18, as the generator costs them, against TorchSharp's own
/// <c>torchvision.models</c> built for real: the same parameters in total and layer by layer, and the shapes the cost
/// table predicts are the ones the sample's modules produce.
/// </summary>
public class ModelZooTorchVisionTests
{
    [Fact]
    public void Vgg16_has_torchvisions_parameters_module_by_module()
    {
        using var reference = torchvision.models.vgg16();
        // torchvision's leaf modules in forward order: features.0 .. features.30, avgpool, a flatten when it is a module
        // (in PyTorch's torchvision it is a torch.flatten call), classifier.0 .. classifier.6. The sample's flatten is 'flat'.
        var leaves = reference.named_modules().Where(m => !m.module.named_children().Any()).OrderBy(m => ForwardOrder(m.name)).ToList();
        var rows = Vgg16.CostTable.Where(r => r.Name != "flat" || leaves.Any(l => l.name == "flatten")).ToList();
        Assert.True(leaves.Count == rows.Count, "torchvision's leaves: " + string.Join(", ", leaves.Select(l => l.name)));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(leaves[i].module.GetType().Name, rows[i].Kind);
            Assert.True(leaves[i].module.parameters().Sum(p => p.numel()) == rows[i].Parameters,
                $"{rows[i].Name} ({rows[i].Kind}): torchvision's {leaves[i].name} has {leaves[i].module.parameters().Sum(p => p.numel())} parameters, the cost table {rows[i].Parameters}");
        }
        Assert.Equal(13, rows.Count(r => r.Kind == "Conv2d"));
        Assert.Equal(138_357_544, reference.parameters().Sum(p => p.numel()));
        Assert.Equal(138_357_544, Vgg16.CostTable.Sum(r => r.Parameters));
    }

    [Fact]
    public void ResNet18_has_torchvisions_parameters_in_every_top_level_module()
    {
        using var reference = torchvision.models.resnet18();
        var children = reference.named_children().ToDictionary(c => c.name, c => c.module);
        // The same top-level names (torchvision's TorchSharp port has a flatten module too).
        Assert.Equal(ResNet18.CostTable.Select(r => r.Name).Order(), children.Keys.Order());
        foreach (var row in ResNet18.CostTable)
        {
            var module = children[row.Name];
            Assert.Equal(module.GetType().Name, row.Kind);
            Assert.True(module.parameters().Sum(p => p.numel()) == row.Parameters,
                $"{row.Name}: torchvision has {module.parameters().Sum(p => p.numel())} parameters, the cost table {row.Parameters}");
        }
        Assert.Equal(11_689_512, reference.parameters().Sum(p => p.numel()));
        Assert.Equal(11_689_512, ResNet18.CostTable.Sum(r => r.Parameters));
    }

    /// <summary>VGG's module paths in forward order: the block (features, avgpool, flatten, classifier), then the index in it.</summary>
    private static (int Block, int Index) ForwardOrder(string path)
    {
        var parts = path.Split('.');
        var block = Array.IndexOf(["features", "avgpool", "flatten", "classifier"], parts[0]);
        Assert.True(block >= 0, $"unexpected torchvision VGG module '{path}'");
        return (block, parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    [Fact]
    public void The_samples_ResNet18_runs_through_the_shapes_its_cost_table_predicts()
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet18();
        model.eval();
        Assert.Equal(11_689_512, model.parameters().Sum(p => p.numel()));
        using var noGrad = no_grad();
        var x = randn(1, 3, 224, 224);
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            x = model.ForwardLayers(layer, layer, x);
            Assert.Equal(new long[] { 1 }.Concat(ResNet18.CostTable[layer].OutputShape.Select(d => (long)d)), x.shape);
        }
    }

    [Fact]
    public void The_samples_Vgg16_module_has_the_generated_parameters_layer_by_layer()
    {
        using var model = new Vgg16();
        Assert.Equal(Vgg16.CostTable.Count, model.LayerCount);
        for (var layer = 0; layer < model.LayerCount; layer++)
            Assert.Equal(Vgg16.CostTable[layer].Parameters, model.Layer(layer).parameters().Sum(p => p.numel()));
    }
}
