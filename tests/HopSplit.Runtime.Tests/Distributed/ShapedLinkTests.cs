using System.Diagnostics;
using HopSplit.Distributed;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;
using TorchSharp;
using Xunit.Abstractions;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// Real shaped links instead of the transport's emulation: three `digits worker` processes, each in a network
/// namespace of its own joined to the coordinator's by a veth pair whose ends a tc token bucket (tbf) limits to the
/// plan's link bandwidth. Trained without emulation, every worker's calls spend in transfer what the bytes that
/// crossed its veth take at that rate, and the weights equal the in-process trainer's.
/// </summary>
/// <remarks>
/// Needs root and `ip netns`. Elsewhere it fails and says so, unless HOPSPLIT_NETNS_TESTS=skip leaves it out on
/// purpose (then it reports that it was left out), so that a machine without namespaces never counts as a pass by
/// accident.
/// </remarks>
public class ShapedLinkTests(ITestOutputHelper output)
{
    const int BatchSize = 64;
    const int MicroBatchSize = 8;
    const int WarmUpSteps = 1;
    const int Steps = 3;

    [Fact]
    public async Task Workers_in_network_namespaces_behind_tbf_shaped_veths_pay_the_shaped_rate_and_train_to_the_in_process_weights()
    {
        if (NetworkNamespaces.Unavailable() is { } why)
        {
            if (Environment.GetEnvironmentVariable("HOPSPLIT_NETNS_TESTS") == "skip")
            {
                output.WriteLine($"LEFT OUT (HOPSPLIT_NETNS_TESTS=skip): {why}");
                return;
            }
            Assert.Fail($"the shaped-link test needs root and ip netns, and {why}; run the tests as root, or set HOPSPLIT_NETNS_TESTS=skip to leave it out knowingly");
        }

        // The main job's plan on the sample's network: sensor conv1..pool1, gateway conv2..flat, edge fc1..fc2, micro-batches of 8.
        var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
        var shape = new PlanShape([0, 1, 2], [0, 1], [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 9)]);
        var layout = PipelineLayout.From(problem, shape, MicroBatchSize);
        string[] nodes = ["sensor", "gateway", "edge"];
        // The coordinator relays every frame, so a worker's veth carries the traffic of the plan's links at its node:
        // each is shaped to the bandwidth of the link its activations leave by (the last node: the link they came in by).
        var rates = nodes.Select((node, i) => Link(problem.Network, node, i < nodes.Length - 1 ? nodes[i + 1] : nodes[i - 1]).BitsPerSecond).ToArray();

        var tokenFile = Path.Combine(Path.GetTempPath(), $"hopsplit-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, DistributedFixtures.Token.Value + "\n");
        var lab = new NetworkNamespaces();
        var workers = new List<DigitsWorkerProcessTests.WorkerProcess>();
        try
        {
            var clock = Stopwatch.StartNew();
            var links = nodes.Select((_, i) => lab.Add(i + 1, rates[i])).ToArray();
            workers.AddRange(await Task.WhenAll(links.Select(link => DigitsWorkerProcessTests.WorkerProcess.StartAsync(link.Launcher,
                DigitsWorkerProcessTests.DigitsApplication, tokenFile, "--listen", $"http://{link.Address}:0", "--stop-with", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            output.WriteLine($"3 workers in namespaces {string.Join(", ", lab.Names)} listening after {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", workers.Select(w => w.Address))}");

            using var distributed = await DistributedTrainer.ConnectAsync(layout, new DistributedTrainerOptions
            {
                Workers = nodes.Select((n, i) => (n, workers[i].Address)).ToDictionary(p => p.n, p => p.Address),
                Token = DistributedFixtures.Token, Seed = 13, LearningRate = 0.05, Momentum = 0.9, Schedule = ScheduleKind.OneFOneB,
                Emulation = NetworkEmulation.None,
                Client = new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(120) },
            });
            using var reference = new DigitNet();
            DigitsReference.LoadWeights(reference, await distributed.GetWeightsAsync());
            using var inProcess = PipelineTrainer.Create(reference, layout, new PipelineTrainerOptions
            {
                CreateOptimizer = parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9),
                Schedule = ScheduleKind.OneFOneB,
                Emulation = NetworkEmulation.None,
            });

            var transfer = new double[nodes.Length];
            var calls = new int[nodes.Length];
            var before = links.Select(l => NetworkNamespaces.Counters(l.HostLink)).ToArray();
            var (images, labels) = DigitTensors.ToTensors(SyntheticDigits.Generate(BatchSize * (WarmUpSteps + Steps), seed: 8));
            using (images)
            using (labels)
            {
                for (var step = 0; step < WarmUpSteps + Steps; step++)
                {
                    if (step == WarmUpSteps) before = links.Select(l => NetworkNamespaces.Counters(l.HostLink)).ToArray();
                    using var x = images.narrow(0, step * BatchSize, BatchSize);
                    using var y = labels.narrow(0, step * BatchSize, BatchSize);
                    var expected = inProcess.Step(x, y);
                    var actual = await distributed.StepAsync(x, y);
                    output.WriteLine($"step {step}: loss {actual.Loss:F6} (in-process {expected.Loss:F6}), {actual.WallSeconds * 1e3:F0} ms over shaped veths");
                    Assert.Equal(expected.Loss, actual.Loss, 1e-5);
                    if (step < WarmUpSteps) continue;
                    for (var k = 0; k < nodes.Length; k++)
                    {
                        var stage = actual.Stages.Single(s => s.Stage.Id == nodes[k]);
                        var tasks = actual.Tasks.Where(t => t.Task.StageIndex == stage.Stage.Index).ToArray();
                        // A call's time less the worker's own compute time: the frames' transfer both ways, and gRPC's overhead.
                        transfer[k] += tasks.Sum(t => t.Task.DurationSeconds) - stage.ComputeSeconds;
                        calls[k] += tasks.Length;
                    }
                }
            }
            var after = links.Select(l => NetworkNamespaces.Counters(l.HostLink)).ToArray();

            for (var k = 0; k < nodes.Length; k++)
            {
                var bytes = after[k].Tx - before[k].Tx + after[k].Rx - before[k].Rx;
                var shaped = bytes * 8 / rates[k];
                output.WriteLine($"{nodes[k]}: {bytes / 1024.0:F0} KiB over its veth at {rates[k] / 1e6:F0} Mbit/s = {shaped * 1e3:F0} ms shaped; " +
                                 $"its {calls[k]} calls spent {transfer[k] * 1e3:F0} ms beyond compute ({transfer[k] / shaped:F2}x)");
                // The design: transfer, not gRPC's per-call cost, dominates a call here.
                Assert.True(shaped > calls[k] * 0.005, $"{nodes[k]}: {shaped * 1e3:F0} ms of shaped transfer is too little to measure");
                // tbf lets a frame through no faster than the rate (its small bucket aside) ...
                Assert.True(transfer[k] >= 0.85 * shaped, $"{nodes[k]}: {transfer[k] * 1e3:F0} ms beyond compute is less than the {shaped * 1e3:F0} ms the link's rate allows");
                // ... and nothing else should take as long again (gRPC's cost per call allowed for a busy machine).
                Assert.True(transfer[k] <= 1.5 * shaped + calls[k] * 0.03, $"{nodes[k]}: {transfer[k] * 1e3:F0} ms beyond compute is far above the {shaped * 1e3:F0} ms of shaped transfer");
            }
            var compared = DistributedFixtures.AssertSameWeights(DistributedFixtures.WeightsOf(reference),
                DistributedFixtures.WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-4);
            output.WriteLine($"{compared} weights equal the in-process trainer's; {clock.Elapsed.TotalSeconds:F1} s in all");
            foreach (var worker in workers) Assert.False(worker.HasExited, $"worker {worker.Address} exited: {worker.Log}");
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
            lab.Dispose();
            File.Delete(tokenFile);
        }
        // Nothing is left: no namespace of this test remains.
        var left = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).Where(n => n!.StartsWith($"hs{Environment.ProcessId % 100000}n")).ToArray() : [];
        Assert.Empty(left);
    }

    static NetworkLink Link(Network network, string a, string b) =>
        network.Links.Single(l => (l.From == a && l.To == b) || (l.From == b && l.To == a));
}
