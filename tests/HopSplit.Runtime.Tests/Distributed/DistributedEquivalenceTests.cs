using HopSplit.Distributed;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// Training over gRPC with three workers on loopback (one per compute node of a - b - r - d) gives, step after
/// step, the losses and weights of the in-process pipelined trainer on the same plan and data.
/// </summary>
public class DistributedEquivalenceTests(ITestOutputHelper output)
{
    const int BatchSize = 12;
    const int Steps = 3;
    const string Shape = "a[0..0] b[1..3] via r d[4..6]";

    [Theory]
    [InlineData(ScheduleKind.GPipe, 5, StageWorkerHostOptions.DefaultChunkBytes)]
    [InlineData(ScheduleKind.OneFOneB, 5, StageWorkerHostOptions.DefaultChunkBytes)]
    // 100-byte chunks: every activation and gradient frame (192 to 3,072 bytes) travels in several chunks.
    [InlineData(ScheduleKind.OneFOneB, 4, 100)]
    // Workers sending activations and gradients to each other; the coordinator sends inputs and labels only.
    [InlineData(ScheduleKind.GPipe, 5, StageWorkerHostOptions.DefaultChunkBytes, FrameRouting.Direct)]
    [InlineData(ScheduleKind.OneFOneB, 4, 100, FrameRouting.Direct)]
    public async Task Three_workers_over_grpc_train_to_the_in_process_trainers_weights(ScheduleKind schedule, int microBatchSize, int chunkBytes,
        FrameRouting routing = FrameRouting.ViaCoordinator)
    {
        await using var a = await StartWorker(chunkBytes: chunkBytes);
        await using var b = await StartWorker(chunkBytes: chunkBytes);
        await using var d = await StartWorker(chunkBytes: chunkBytes);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], microBatchSize);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        using var distributed = await DistributedTrainer.ConnectAsync(layout, Options(workers, schedule, chunkBytes) with { Routing = routing });
        using var reference = Model(seed: 21, ScalarType.Float64);
        using var inProcess = PipelineTrainer.Create(reference, layout, Options(schedule));

        for (var step = 0; step < Steps; step++)
        {
            var (x, y) = Batch(BatchSize, seed: 400 + step, ScalarType.Float64);
            using (x)
            using (y)
            {
                var expected = inProcess.Step(x, y);
                var actual = await distributed.StepAsync(x, y);
                Assert.Equal(expected.Loss, actual.Loss, 1e-12);
                Assert.Equal(expected.MicroBatchSizes, actual.MicroBatchSizes);
                AssertSends(actual, routing, layout);
            }
        }

        var compared = AssertSameWeights(WeightsOf(reference), WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-9);
        output.WriteLine($"{schedule}, b = {microBatchSize}, chunks of {chunkBytes} bytes: {compared} weights equal after {Steps} steps");
        Assert.Equal(new[] { "a", "b", "d" }, distributed.Assignments.Select(s => s.Stage.Id));
    }

    /// <summary>Direct: every micro-batch's activation went a->b and b->d, its gradient d->b and b->a, each measured by its sender; relayed: none.</summary>
    static void AssertSends(DistributedStepResult step, FrameRouting routing, PipelineLayout layout)
    {
        if (routing == FrameRouting.ViaCoordinator)
        {
            Assert.Empty(step.Transfers);
            Assert.Empty(step.Paths);
            return;
        }
        var sends = step.Transfers.Select(t => (t.From.Id, t.To.Id, t.Direction)).ToArray();
        var expected = new[] { ("a", "b", TaskDirection.Forward), ("b", "d", TaskDirection.Forward), ("d", "b", TaskDirection.Backward), ("b", "a", TaskDirection.Backward) };
        foreach (var send in expected) Assert.Equal(step.MicroBatchSizes.Count, sends.Count(s => s == send));
        Assert.Equal(expected.Length * step.MicroBatchSizes.Count, sends.Length);
        // Float64 activations: a's conv output is 4 x 8 x 8 values per sample, b's flattened pool 64.
        Assert.All(step.Transfers.Where(t => t.From.Id == "a"), t => Assert.Equal(step.MicroBatchSizes[t.MicroBatch] * 256 * 8, t.Bytes));
        Assert.All(step.Transfers.Where(t => t.From.Id == "b" && t.To.Id == "d"), t => Assert.Equal(step.MicroBatchSizes[t.MicroBatch] * 64 * 8, t.Bytes));
        Assert.All(step.Transfers, t => Assert.True(t.Seconds > 0));
        Assert.Equal(["a->b", "b->r->d"], step.Paths.Select(p => p.Name));
        Assert.Equal(layout.Problem.Network.Links.Skip(1).ToArray(), step.Paths[1].Links);
    }

    [Theory]
    [InlineData(FrameRouting.ViaCoordinator)]
    [InlineData(FrameRouting.Direct)] // the worker sends to itself
    public async Task Several_nodes_may_share_one_worker(FrameRouting routing)
    {
        await using var worker = await StartWorker();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address, ["d"] = worker.Address };
        using var distributed = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe) with { Routing = routing });
        await FirstStepMatchesInProcessAsync(distributed, ScheduleKind.GPipe, batchSeed: 500);
    }

    [Fact]
    public async Task A_node_without_a_worker_is_named()
    {
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = new("http://127.0.0.1:1") };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe)));
        Assert.Contains("no worker for node b, d", error.Message);
    }

    [Fact]
    public async Task Emulated_links_other_than_the_plans_need_direct_routing_and_emulation()
    {
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var nowhere = new Uri("http://127.0.0.1:1");
        var workers = new Dictionary<string, Uri> { ["a"] = nowhere, ["b"] = nowhere, ["d"] = nowhere };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DistributedTrainer.ConnectAsync(layout,
            Options(workers, ScheduleKind.GPipe) with { EmulatedLinks = [new NetworkLink("a", "b", 1e6, 0)], Routing = FrameRouting.Direct }));
        Assert.Equal("EmulatedLinks is used by the workers' link emulation: set Routing = Direct and Emulation = Modeled, or leave EmulatedLinks null", error.Message);
    }
}
