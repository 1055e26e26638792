using HopSplit.Generators.Tests.Sample;
using HopSplit.Planning;
using HopSplit.Planning.Model;

namespace HopSplit.Generators.Tests;

/// <summary>Runs the code the generator produced for Sample/Campus.cs.</summary>
public class GeneratedCodeTests
{
    [Fact]
    public void Device_profiles_are_in_SI_units()
    {
        Assert.Equal(new DeviceProfile(10e9, 2048d * 1024 * 1024, 0.001), Phone.Profile);
        Assert.Equal(new DeviceProfile(200e9, 65536d * 1024 * 1024, 0), CloudVm.Profile);
        Assert.Equal(new NetworkNode("phone", 10e9, 2048d * 1024 * 1024, 0.001), Phone.Profile.ToNode("phone"));
    }

    [Fact]
    public void Campus_network_has_the_declared_nodes_and_links()
    {
        var network = Campus.Network;
        Assert.Equal(
            [Phone.Profile.ToNode("phone"), new NetworkNode("ap", 0, 0, 0), CloudVm.Profile.ToNode("cloud")],
            network.Nodes);
        Assert.True(network.Nodes[1].IsRelay);
        Assert.Equal(
            [new NetworkLink("phone", "ap", 100e6, 0.002, false), new NetworkLink("ap", "cloud", 50e6, 0.01, false)],
            network.Links);
        Assert.Equal("phone", network.Source);
        Assert.Null(network.Sink);
    }

    [Fact]
    public void Planner_takes_the_generated_network()
    {
        var model = new ModelCosts("mlp", 784,
        [
            new ModelLayer("fc1", 2 * 784 * 256, 4 * 784 * 256, 256, 784 * 256 + 256),
            new ModelLayer("relu", 256, 256, 256, 0),
            new ModelLayer("fc2", 2 * 256 * 10, 4 * 256 * 10, 10, 256 * 10 + 10),
        ]);
        var plan = Planner.Plan(model, Campus.Network, new TrainingJob(64));
        Assert.NotNull(plan);
        Assert.InRange(plan.MicroBatchSize, 1, 64);
    }

    [Fact]
    public void Generated_DigitNet_costs_plan_on_the_generated_network()
    {
        Assert.Equal(784, DigitNet.Costs.InputElements);
        Assert.Equal(new ModelLayer("conv1", 476672, 953344, 25088, 320), DigitNet.Costs.Layers[0]);
        Assert.Equal(new ModelLayer("fc1", 125450, 250900, 10, 62730), DigitNet.Costs.Layers[^1]);
        Assert.Equal(DigitNet.CostTable.Select(r => r.ToLayer()), DigitNet.Costs.Layers);
        Assert.Equal([1, 28, 28], DigitNet.CostTable[0].InputShape);
        Assert.Equal(CostSource.Analysis, DigitNet.CostTable[0].Source);
        var plan = Planner.Plan(DigitNet.Costs, Campus.Network, new TrainingJob(64));
        Assert.NotNull(plan);
    }
}
