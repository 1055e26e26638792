using HopSplit.Planning.Model;
using HopSplit.Samples.ModelZoo;
using HopSplit.Samples.ModelZoo.Models;

namespace HopSplit.Samples.Tests.ModelZoo;

/// <summary>What the generator made of the sample's declarations: the models' cost tables and the five-hop network.</summary>
public class ZooDeclarationTests
{
    [Fact]
    public void Generated_parameter_counts_are_torchvisions()
    {
        // torchvision.models.vgg16() / resnet18() (tests/HopSplit.Runtime.Tests builds them and compares layer by layer).
        Assert.Equal(138_357_544, Vgg16.CostTable.Sum(r => r.Parameters));
        Assert.Equal(11_689_512, ResNet18.CostTable.Sum(r => r.Parameters));
        Assert.Equal(Vgg16.CostTable.Select(r => r.ToLayer()), Vgg16.Costs.Layers);
        Assert.Equal(ResNet18.CostTable.Select(r => r.ToLayer()), ResNet18.Costs.Layers);
        Assert.All(Vgg16.CostTable.Concat(ResNet18.CostTable), r => Assert.Equal(CostSource.Analysis, r.Source));
        Assert.Equal(3 * 224 * 224, Vgg16.Costs.InputElements);
        Assert.Equal([1000], Vgg16.CostTable[^1].OutputShape);
        Assert.Equal([512, 7, 7], ResNet18.CostTable.Single(r => r.Name == "layer4").OutputShape);
    }

    [Fact]
    public void The_network_is_a_chain_of_six_nodes_and_five_hops_from_the_camera()
    {
        var network = EdgeToCloud.Network;
        Assert.Equal(["camera", "ap", "gateway", "edge", "regional", "cloud"], network.Nodes.Select(n => n.Id));
        Assert.Equal("camera", network.Source);
        Assert.Equal(
            [("camera", "ap"), ("ap", "gateway"), ("gateway", "edge"), ("edge", "regional"), ("regional", "cloud")],
            network.Links.Select(l => (l.From, l.To)));
        Assert.All(network.Links, l => Assert.False(l.Directed));
        Assert.Equal(["ap"], network.Nodes.Where(n => n.IsRelay).Select(n => n.Id));
        Assert.Equal(SmartCamera.Profile.ToNode("camera"), network.Nodes[0]);
        Assert.Equal(new NetworkNode("cloud", 12e12, 36864d * 1024 * 1024, 0.001), network.Nodes[5]);
        Assert.Equal(new NetworkLink("camera", "ap", 150e6, 0.003), network.Links[0]);
        // Compute grows along the chain past the gateway: the faster device is the farther one.
        var computing = network.Nodes.Skip(2).Select(n => n.Flops).ToArray();
        Assert.Equal(computing.Order(), computing);
    }
}
