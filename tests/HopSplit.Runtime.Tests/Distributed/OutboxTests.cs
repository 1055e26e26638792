using HopSplit.Distributed;
using HopSplit.Planning.Model;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// Direct routing sends from a per-neighbour outbox while the worker computes on: a send that fails after the sender's
/// last pass of the step still stops the step, naming the neighbour and the micro-batch, instead of leaving the
/// neighbour waiting for the frame.
/// </summary>
public class OutboxTests
{
    [Fact]
    public async Task A_send_that_fails_after_the_senders_last_pass_fails_the_step_naming_the_neighbour_and_the_micro_batch()
    {
        await using var a = await StartWorker();
        // b's sends to its neighbour cannot succeed: their deadline has passed before they start.
        await using var b = await StageWorkerHost.StartAsync(SmallCnnFactory, new StageWorkerHostOptions
        {
            Listen = new Uri("http://127.0.0.1:0"), Token = Token, ConfigureLogging = _ => { },
            PeerClient = new StageClientOptions { CallTimeout = TimeSpan.FromTicks(1) },
        });
        // One micro-batch: b's gradient for a is the last thing b does in the step, so no later call of b can report it.
        var layout = PipelineLayout.From(Problem(8), Shapes["a[0..1] b[2..6]"], 8);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        using var trainer = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe) with { Routing = FrameRouting.Direct });
        var (x, y) = Batch(8, seed: 950, ScalarType.Float64);
        using (x)
        using (y)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<DistributedStageException>(() => trainer.StepAsync(x, y));
            Assert.Equal("b", error.Stage.Id);
            Assert.Contains("failed in sending its frames to its neighbours", error.Message);
            Assert.Contains($"sending the gradient of micro-batch 0 to stage 0 on worker {a.Address}", error.Message);
            Assert.IsNotType<WorkerUnreachableException>(error);
            // Long before a's call waiting for the gradient would reach its deadline (30 s).
            Assert.InRange(clock.Elapsed.TotalSeconds, 0, 15);
        }
    }
}
