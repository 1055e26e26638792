using HopSplit.Distributed;
using HopSplit.Planning.Model;
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
    public async Task Three_workers_over_grpc_train_to_the_in_process_trainers_weights(ScheduleKind schedule, int microBatchSize, int chunkBytes)
    {
        await using var a = await StartWorker(chunkBytes: chunkBytes);
        await using var b = await StartWorker(chunkBytes: chunkBytes);
        await using var d = await StartWorker(chunkBytes: chunkBytes);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], microBatchSize);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        using var distributed = await DistributedTrainer.ConnectAsync(layout, Options(workers, schedule, chunkBytes));
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
            }
        }

        var compared = AssertSameWeights(WeightsOf(reference), WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-9);
        output.WriteLine($"{schedule}, b = {microBatchSize}, chunks of {chunkBytes} bytes: {compared} weights equal after {Steps} steps");
        Assert.Equal(new[] { "a", "b", "d" }, distributed.Assignments.Select(s => s.Stage.Id));
    }

    [Fact]
    public async Task Several_nodes_may_share_one_worker()
    {
        await using var worker = await StartWorker();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address, ["d"] = worker.Address };
        using var distributed = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe));
        using var reference = Model(seed: 21, ScalarType.Float64);
        using var inProcess = PipelineTrainer.Create(reference, layout, Options(ScheduleKind.GPipe));
        var (x, y) = Batch(BatchSize, seed: 500, ScalarType.Float64);
        using (x)
        using (y)
        {
            inProcess.Step(x, y);
            await distributed.StepAsync(x, y);
        }
        AssertSameWeights(WeightsOf(reference), WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-9);
    }

    [Fact]
    public async Task A_node_without_a_worker_is_named()
    {
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = new("http://127.0.0.1:1") };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe)));
        Assert.Contains("no worker for node b, d", error.Message);
    }
}
