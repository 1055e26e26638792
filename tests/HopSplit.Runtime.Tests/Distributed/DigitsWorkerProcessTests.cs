using System.Diagnostics;
using System.Reflection;
using HopSplit.Distributed;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// The real thing on loopback: three `digits worker` processes (the sample's build output) serve DigitNet's
/// segments on sensor, gateway and edge; the coordinator in this process trains them to the weights the
/// in-process trainer reaches from the same start, and an unauthenticated coordinator is refused.
/// </summary>
public class DigitsWorkerProcessTests(ITestOutputHelper output)
{
    const int BatchSize = 16;
    const int Steps = 2;

    internal static string DigitsApplication => Path.GetFullPath(typeof(DigitsWorkerProcessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DigitsApplication").Value!);

    [Fact]
    public async Task Three_digits_worker_processes_train_to_the_in_process_weights()
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), $"hopsplit-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, DistributedFixtures.Token.Value + "\n");
        var workers = new List<WorkerProcess>();
        try
        {
            var clock = Stopwatch.StartNew();
            workers.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => WorkerProcess.StartAsync(DigitsApplication, tokenFile))));
            output.WriteLine($"3 workers listening after {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", workers.Select(w => w.Address))}");

            // sensor: conv1..pool1, gateway: conv2..flat, edge: fc1..fc2 (the main job's plan, at a smaller batch).
            var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
            var shape = new PlanShape([0, 1, 2], [0, 1], [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 9)]);
            var layout = PipelineLayout.From(problem, shape, 4);
            var nodes = new Dictionary<string, Uri> { ["sensor"] = workers[0].Address, ["gateway"] = workers[1].Address, ["edge"] = workers[2].Address };
            var options = new DistributedTrainerOptions
            {
                Workers = nodes, Token = DistributedFixtures.Token, Seed = 7, LearningRate = 0.05, Momentum = 0.9, Schedule = ScheduleKind.OneFOneB,
                Client = new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(120) },
            };

            var intruder = await Assert.ThrowsAsync<DistributedStageException>(() => DistributedTrainer.ConnectAsync(layout,
                new DistributedTrainerOptions { Workers = nodes, Token = new SharedToken("an-attacker-guessing-0000"), Seed = 3 }));
            Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, intruder.Status);

            output.WriteLine($"unauthenticated coordinator refused after {clock.Elapsed.TotalSeconds:F1} s");
            using var distributed = await DistributedTrainer.ConnectAsync(layout, options);
            output.WriteLine($"segments assigned after {clock.Elapsed.TotalSeconds:F1} s");
            // The reference starts from the workers' initial weights (seed 7 in their processes).
            using var reference = new DigitNet();
            LoadWeights(reference, await distributed.GetWeightsAsync());
            using var inProcess = PipelineTrainer.Create(reference, layout, new PipelineTrainerOptions
            {
                CreateOptimizer = parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9),
                Schedule = ScheduleKind.OneFOneB,
                Emulation = NetworkEmulation.None,
            });
            var (images, labels) = DigitTensors.ToTensors(SyntheticDigits.Generate(BatchSize * Steps, seed: 5));
            using (images)
            using (labels)
            {
                for (var step = 0; step < Steps; step++)
                {
                    using var x = images.narrow(0, step * BatchSize, BatchSize);
                    using var y = labels.narrow(0, step * BatchSize, BatchSize);
                    var expected = inProcess.Step(x, y);
                    var actual = await distributed.StepAsync(x, y);
                    output.WriteLine($"step {step}: loss {actual.Loss:F6} (in-process {expected.Loss:F6}), {actual.WallSeconds * 1e3:F0} ms over gRPC");
                    Assert.Equal(expected.Loss, actual.Loss, 1e-5);
                }
            }
            var compared = DistributedFixtures.AssertSameWeights(DistributedFixtures.WeightsOf(reference),
                DistributedFixtures.WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-4);
            output.WriteLine($"{compared} weights equal after {Steps} steps; {clock.Elapsed.TotalSeconds:F1} s in all");
            foreach (var worker in workers) Assert.False(worker.HasExited, $"worker {worker.Address} exited: {worker.Log}");
            Assert.Contains(workers, w => w.Log.Contains("Refused") && w.Log.Contains("wrong token"));
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task Four_digits_worker_processes_with_emulated_links_train_to_the_in_process_weights()
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), $"hopsplit-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, DistributedFixtures.Token.Value + "\n");
        var workers = new List<WorkerProcess>();
        try
        {
            var clock = Stopwatch.StartNew();
            workers.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkerProcess.StartAsync(DigitsApplication, tokenFile))));
            // A segment on every node of sensor - gateway - edge - cloud, so every link (the slow, far edge->cloud too) is a hop.
            var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
            var shape = new PlanShape([0, 1, 2, 3], [0, 1, 2],
                [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 8), new SegmentPlacement(3, 9, 9)]);
            var layout = PipelineLayout.From(problem, shape, 4);
            string[] nodes = ["sensor", "gateway", "edge", "cloud"];
            using var distributed = await DistributedTrainer.ConnectAsync(layout, new DistributedTrainerOptions
            {
                Workers = nodes.Select((n, i) => (n, workers[i].Address)).ToDictionary(p => p.n, p => p.Address),
                Token = DistributedFixtures.Token, Seed = 11, LearningRate = 0.05, Momentum = 0.9, Schedule = ScheduleKind.GPipe,
                Emulation = NetworkEmulation.Modeled,
                Client = new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(120) },
            });
            Assert.Equal(nodes, distributed.Assignments.Select(a => a.Stage.Id));
            Assert.Equal(4, distributed.Assignments.Select(a => a.Worker).Distinct().Count());
            using var reference = new DigitNet();
            LoadWeights(reference, await distributed.GetWeightsAsync());
            using var inProcess = PipelineTrainer.Create(reference, layout, new PipelineTrainerOptions
            {
                CreateOptimizer = parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9),
                Schedule = ScheduleKind.GPipe,
                Emulation = NetworkEmulation.None,
            });
            var (images, labels) = DigitTensors.ToTensors(SyntheticDigits.Generate(BatchSize * Steps, seed: 6));
            using (images)
            using (labels)
            {
                for (var step = 0; step < Steps; step++)
                {
                    using var x = images.narrow(0, step * BatchSize, BatchSize);
                    using var y = labels.narrow(0, step * BatchSize, BatchSize);
                    var expected = inProcess.Step(x, y);
                    var actual = await distributed.StepAsync(x, y);
                    var simulated = layout.Simulate(actual.MicroBatchSizes, ScheduleKind.GPipe).MakespanSeconds;
                    output.WriteLine($"step {step}: loss {actual.Loss:F6} (in-process {expected.Loss:F6}), {actual.MakespanSeconds * 1e3:F0} ms emulated over gRPC, simulated {simulated * 1e3:F0} ms");
                    Assert.Equal(expected.Loss, actual.Loss, 1e-5);
                    // Every hop, the far edge->cloud link included, took its modeled time, so the step cannot beat the simulator.
                    Assert.Equal(3 * 2 * actual.MicroBatchSizes.Count, actual.Tasks.Count(t => t.Task.ResourceId.Contains("->")));
                    Assert.True(actual.MakespanSeconds >= simulated * (1 - 1e-9));
                }
            }
            var compared = DistributedFixtures.AssertSameWeights(DistributedFixtures.WeightsOf(reference),
                DistributedFixtures.WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-4);
            output.WriteLine($"{compared} weights equal after {Steps} steps on 4 worker processes; {clock.Elapsed.TotalSeconds:F1} s in all");
            foreach (var worker in workers) Assert.False(worker.HasExited, $"worker {worker.Address} exited: {worker.Log}");
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
            File.Delete(tokenFile);
        }
    }

    internal static void LoadWeights(ISplitModel model, IReadOnlyDictionary<(int Layer, string Name), Tensor> weights)
    {
        using var noGrad = torch.no_grad();
        for (var layer = 0; layer < model.LayerCount; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters())
                parameter.copy_(weights[(layer, name)]);
        foreach (var tensor in weights.Values) tensor.Dispose();
    }

    /// <summary>A `digits worker` process on a free loopback port; disposing kills it.</summary>
    internal sealed class WorkerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();

        private WorkerProcess(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public bool HasExited => _process.HasExited;

        public string Log
        {
            get { lock (_log) return _log.ToString(); }
        }

        public static Task<WorkerProcess> StartAsync(string application, string tokenFile, params string[] extra) =>
            StartAsync([], application, tokenFile, extra);

        /// <summary>A worker started through <paramref name="launcher"/> (e.g. ip netns exec NAME), which must exec dotnet.</summary>
        public static async Task<WorkerProcess> StartAsync(IReadOnlyList<string> launcher, string application, string tokenFile, params string[] extra)
        {
            var start = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (launcher.Count > 0)
                foreach (var arg in launcher.Skip(1).Append("dotnet")) start.ArgumentList.Add(arg);
            // An https:// --listen among the extra arguments replaces the default address.
            string[] listen = extra.Contains("--listen") ? [] : ["--listen", "http://127.0.0.1:0"];
            foreach (var arg in new[] { application, "worker", "--token-file", tokenFile }.Concat(listen).Concat(extra)) start.ArgumentList.Add(arg);
            var process = Process.Start(start)!;
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new System.Text.StringBuilder();
            void Read(string? line)
            {
                if (line is null) return;
                lock (log) log.AppendLine(line);
                const string prefix = "digits worker listening on ";
                if (line.StartsWith(prefix, StringComparison.Ordinal)) listening.TrySetResult(new Uri(line[prefix.Length..]));
            }
            process.OutputDataReceived += (_, e) => Read(e.Data);
            process.ErrorDataReceived += (_, e) => Read(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(120));
                var worker = new WorkerProcess(process, address);
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (worker._log) worker._log.AppendLine(e.Data); };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (worker._log) worker._log.AppendLine(e.Data); };
                return worker;
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                lock (log) throw new TimeoutException($"digits worker did not listen within 120 s: {log}");
            }
        }

        /// <summary>Kills the process at once, as a crash would (no shutdown, connections reset).</summary>
        public void Kill() => _process.Kill(entireProcessTree: true);

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
