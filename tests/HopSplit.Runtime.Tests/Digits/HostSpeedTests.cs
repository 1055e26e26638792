using System.Diagnostics;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using HopSplit.Samples.Digits;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Digits;

/// <summary>
/// The emulated network only works if the host computes faster than the devices it emulates: then the
/// runtime can wait out each device's time, and the host's cores never set the pace.
/// </summary>
[Collection(nameof(TimingCollection))]
public class HostSpeedTests
{
    private readonly ITestOutputHelper _output;

    public HostSpeedTests(ITestOutputHelper output)
    {
        _output = output;
        // As the sample does before training: without it, large batches page-fault their activations in on every pass.
        GlibcHeap.KeepLargeBlocks();
    }

    // "Several times": margin for a busy machine and for the runtime's own work between stages.
    private const double RequiredMargin = 3;

    [Fact]
    public void Every_planned_segment_runs_several_times_faster_on_one_host_core_than_its_device()
    {
        var plan = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(64));
        using var model = new DigitNet();

        foreach (var stage in plan.Stages.Where(s => s.Kind == StageKind.Compute))
        {
            var host = Median(SegmentSeconds(model, stage.FirstLayer, stage.LastLayer, plan.MicroBatchSize));
            var margin = stage.CostSeconds / host;
            _output.WriteLine($"{stage.Id}: layers {stage.FirstLayer}..{stage.LastLayer}, b = {plan.MicroBatchSize}: " +
                             $"emulated {stage.CostSeconds * 1e3:F2} ms, host {host * 1e3:F3} ms ({margin:F0}x)");
            Assert.True(margin >= RequiredMargin, $"{stage.Id}: emulated {stage.CostSeconds * 1e3:F2} ms, host {host * 1e3:F3} ms");
        }
    }

    [Fact]
    public void One_host_core_beats_every_declared_device_on_the_whole_model_at_the_planned_micro_batch_size()
    {
        var plan = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(64));
        using var model = new DigitNet();
        var flopsPerSample = DigitNet.Costs.Layers.Sum(l => l.ForwardFlops + l.BackwardFlops);
        double HostFlops(int batch) =>
            // The fastest run: what the machine can do, whatever else it is running (it is shared).
            flopsPerSample * batch / SegmentSeconds(model, 0, model.LayerCount - 1, batch).Min();

        var hostFlops = HostFlops(plan.MicroBatchSize);
        // Whole mini-batches only for the record: a shared machine makes large batches' times erratic.
        _output.WriteLine($"host, whole model: {hostFlops / 1e9:F2} GFLOP/s at batch {plan.MicroBatchSize}, {HostFlops(64) / 1e9:F2} at batch 64");
        foreach (var node in DigitsNetwork.Network.Nodes)
        {
            Assert.True(hostFlops >= RequiredMargin * node.Flops,
                $"host {hostFlops / 1e9:F2} GFLOP/s at batch {plan.MicroBatchSize}, {node.Id} is declared at {node.Flops / 1e9:F2}");
        }
    }

    private static double Median(IReadOnlyList<double> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>Timings in seconds of a forward and backward pass of layers first..last on one thread: at
    /// least 25 runs over at least half a second, so that some fall between other processes' bursts.</summary>
    private static IReadOnlyList<double> SegmentSeconds(DigitNet model, int first, int last, int batch)
    {
        var threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            using var scope = NewDisposeScope();
            var input = first == 0 ? randn(batch, 1, 28, 28) : model.ForwardLayers(0, first - 1, randn(batch, 1, 28, 28)).detach();
            double Pass()
            {
                using var runScope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                var x = first == 0 ? input : input.detach().requires_grad_(true);
                var y = model.ForwardLayers(first, last, x);
                y.backward(new[] { ones_like(y) });
                return clock.Elapsed.TotalSeconds;
            }

            // The first passes of a shape allocate and pick kernels: time only the steady state.
            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed.TotalSeconds < 0.2) Pass();
            var times = new List<double>();
            var total = Stopwatch.StartNew();
            while (times.Count < 25 || total.Elapsed.TotalSeconds < 0.5) times.Add(Pass());
            model.zero_grad();
            return times;
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}
