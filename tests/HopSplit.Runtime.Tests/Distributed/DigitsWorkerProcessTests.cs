using System.Diagnostics;
using System.Reflection;
using HopSplit.Distributed;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using Xunit.Abstractions;

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

    [Theory]
    [InlineData(FrameRouting.ViaCoordinator)]
    [InlineData(FrameRouting.Direct)] // the worker processes send activations and gradients to each other
    public async Task Three_digits_worker_processes_train_to_the_in_process_weights(FrameRouting routing)
    {
        var clock = Stopwatch.StartNew();
        using var group = await DigitsWorkerGroup.StartAsync(3);
        output.WriteLine($"3 workers listening after {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", group.Workers.Select(w => w.Address))}");

        // sensor: conv1..pool1, gateway: conv2..flat, edge: fc1..fc2 (the main job's plan, at a smaller batch).
        var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
        var shape = new PlanShape([0, 1, 2], [0, 1], [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 9)]);
        var layout = PipelineLayout.From(problem, shape, 4);
        var nodes = group.Assign("sensor", "gateway", "edge");

        var intruder = await Assert.ThrowsAsync<DistributedStageException>(() => DistributedTrainer.ConnectAsync(layout,
            new DistributedTrainerOptions { Workers = nodes, Token = new SharedToken("an-attacker-guessing-0000"), Seed = 3 }));
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, intruder.Status);
        output.WriteLine($"unauthenticated coordinator refused after {clock.Elapsed.TotalSeconds:F1} s");

        using var distributed = await DistributedTrainer.ConnectAsync(layout, Options(nodes, seed: 7, ScheduleKind.OneFOneB) with { Routing = routing });
        output.WriteLine($"segments assigned after {clock.Elapsed.TotalSeconds:F1} s");
        // The reference starts from the workers' initial weights (seed 7 in their processes).
        using var reference = new DigitsReference(await distributed.GetWeightsAsync(), layout, ScheduleKind.OneFOneB);
        var compared = await reference.TrainBothAndCompareAsync(distributed, BatchSize, Steps, dataSeed: 5, (step, actual, expected) =>
        {
            output.WriteLine($"step {step}: loss {actual.Loss:F6} (in-process {expected:F6}), {actual.WallSeconds * 1e3:F0} ms over gRPC; " +
                string.Join(", ", actual.Paths.Select(p => $"{p.Name} {p.Transfers} sends, {p.Bytes} bytes, {p.Seconds * 1e3:F1} ms")));
            // Direct: sensor->gateway and gateway->edge, each way, every micro-batch; relayed: no sends between workers.
            Assert.Equal(routing == FrameRouting.Direct ? 4 * actual.MicroBatchSizes.Count : 0, actual.Transfers.Count);
        });
        output.WriteLine($"{compared} weights equal after {Steps} steps; {clock.Elapsed.TotalSeconds:F1} s in all");
        foreach (var worker in group.Workers) Assert.False(worker.HasExited, $"worker {worker.Address} exited: {worker.Log}");
        Assert.Contains(group.Workers, w => w.Log.Contains("Refused") && w.Log.Contains("wrong token"));
    }

    [Fact]
    public async Task Four_digits_worker_processes_with_emulated_links_train_to_the_in_process_weights()
    {
        var clock = Stopwatch.StartNew();
        using var group = await DigitsWorkerGroup.StartAsync(4);
        // A segment on every node of sensor - gateway - edge - cloud, so every link (the slow, far edge->cloud too) is a hop.
        var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
        var shape = new PlanShape([0, 1, 2, 3], [0, 1, 2],
            [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 8), new SegmentPlacement(3, 9, 9)]);
        var layout = PipelineLayout.From(problem, shape, 4);
        string[] nodes = ["sensor", "gateway", "edge", "cloud"];
        using var distributed = await DistributedTrainer.ConnectAsync(layout,
            Options(group.Assign(nodes), seed: 11, ScheduleKind.GPipe) with { Emulation = NetworkEmulation.Modeled });
        Assert.Equal(nodes, distributed.Assignments.Select(a => a.Stage.Id));
        Assert.Equal(4, distributed.Assignments.Select(a => a.Worker).Distinct().Count());
        using var reference = new DigitsReference(await distributed.GetWeightsAsync(), layout, ScheduleKind.GPipe);
        var compared = await reference.TrainBothAndCompareAsync(distributed, BatchSize, Steps, dataSeed: 6, (step, actual, expected) =>
        {
            var simulated = layout.Simulate(actual.MicroBatchSizes, ScheduleKind.GPipe).MakespanSeconds;
            output.WriteLine($"step {step}: loss {actual.Loss:F6} (in-process {expected:F6}), {actual.MakespanSeconds * 1e3:F0} ms emulated over gRPC, simulated {simulated * 1e3:F0} ms");
            // Every hop, the far edge->cloud link included, took its modeled time, so the step cannot beat the simulator.
            Assert.Equal(3 * 2 * actual.MicroBatchSizes.Count, actual.Tasks.Count(t => t.Task.ResourceId.Contains("->")));
            Assert.True(actual.MakespanSeconds >= simulated * (1 - 1e-9));
        });
        output.WriteLine($"{compared} weights equal after {Steps} steps on 4 worker processes; {clock.Elapsed.TotalSeconds:F1} s in all");
        foreach (var worker in group.Workers) Assert.False(worker.HasExited, $"worker {worker.Address} exited: {worker.Log}");
    }

    /// <summary>The Digits process tests' coordinator: the token, SGD as <see cref="DigitsReference"/> trains, a generous call deadline.</summary>
    internal static DistributedTrainerOptions Options(IReadOnlyDictionary<string, Uri> workers, long seed, ScheduleKind schedule) => new()
    {
        Workers = workers, Token = DistributedFixtures.Token, Seed = seed, LearningRate = DigitsReference.LearningRate, Momentum = DigitsReference.Momentum,
        Schedule = schedule, Client = new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(120) },
    };

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
