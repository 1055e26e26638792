using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using Xunit.Abstractions;

namespace HopSplit.Runtime.Tests.Digits;

public class DigitsNetworkTests(ITestOutputHelper output)
{
    private static readonly TrainingJob Job = new(64);

    private static Plan Optimal() => Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, Job);

    private static Plan Sequential() => Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, Job, new PlannerOptions(PlanningAlgorithm.Sequential));

    [Fact]
    public void The_network_is_the_declared_chain_of_four_nodes()
    {
        var network = DigitsNetwork.Network;

        Assert.Equal(new[] { "sensor", "gateway", "edge", "cloud" }, network.Nodes.Select(n => n.Id));
        Assert.Equal("sensor", network.Source);
        Assert.Equal(new[] { "sensor-gateway", "gateway-edge", "edge-cloud" }, network.Links.Select(l => $"{l.From}-{l.To}"));
        Assert.Equal(0.2e9, network.Nodes[0].Flops);
    }

    [Fact]
    public void The_optimal_plan_at_batch_64_is_pipelined_and_at_least_1_5_times_faster_than_sequential()
    {
        var plan = Optimal();
        var sequential = Sequential();
        var writer = new StringWriter();
        PlanPrinter.Write(writer, plan, sequential, DigitNet.Costs);
        output.WriteLine(writer.ToString());

        Assert.True(plan.MicroBatches > 1, $"{plan.MicroBatches} micro-batch(es)");
        Assert.True(plan.Segments.Count >= 2, $"{plan.Segments.Count} segment(s)");
        Assert.True(sequential.LatencySeconds / plan.LatencySeconds >= 1.5,
            $"speedup {sequential.LatencySeconds / plan.LatencySeconds:F2} ({plan.LatencySeconds:F3} s vs {sequential.LatencySeconds:F3} s)");
        // About 150 emulated mini-batches should fit in a minute.
        Assert.InRange(plan.LatencySeconds, 0.2, 0.6);
    }

    [Fact]
    public void The_plan_printer_shows_path_micro_batches_and_every_stage()
    {
        var plan = Optimal();
        var writer = new StringWriter();

        PlanPrinter.Write(writer, plan, Sequential(), DigitNet.Costs);

        var text = writer.ToString();
        Assert.Contains($"Plan: {string.Join(" -> ", plan.Path)}", text);
        Assert.Contains($"{plan.MicroBatches} micro-batches of {plan.MicroBatchSize}", text);
        Assert.Equal(plan.Stages.Count, text.Split('\n').Count(line => line.TrimStart().StartsWith("stage ", StringComparison.Ordinal)));
        Assert.Single(text.Split('\n'), line => line.Contains("<- bottleneck"));
    }
}
