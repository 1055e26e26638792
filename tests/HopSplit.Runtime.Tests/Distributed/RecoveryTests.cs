using HopSplit.Distributed;
using HopSplit.Distributed.Recovery;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// In-process workers on loopback, one of which stops in the middle of a step: the resilient trainer drops its node,
/// re-plans on the others, restores the last checkpoint, replays, and ends with the weights of a run that never failed.
/// </summary>
public class RecoveryTests(ITestOutputHelper output)
{
    const int BatchSize = 12;
    const string Shape = "a[0..0] b[1..3] via r d[4..6]";

    static (Tensor, Tensor) BatchOf(long index) => Batch(BatchSize, seed: 400 + (int)index, ScalarType.Float64);

    static ResilientTrainerOptions ResilientOptions(IReadOnlyDictionary<string, Uri> workers, PlanningProblem problem, CapturedLog log, int checkpointEvery = 1,
        string? folder = null, DriftOptions? drift = null, int rejoinEvery = 5, FrameRouting routing = FrameRouting.ViaCoordinator) => new()
    {
        RejoinEvery = rejoinEvery,
        Problem = problem,
        Trainer = DistributedFixtures.Options(workers, ScheduleKind.OneFOneB) with
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(500), HeartbeatTimeout = TimeSpan.FromSeconds(2), Routing = routing,
        },
        CheckpointEvery = checkpointEvery,
        CheckpointDirectory = folder,
        Drift = drift,
        Logger = log.CreateLogger("recovery"),
    };

    /// <summary>The weights the in-process trainer reaches on the original plan, never failing.</summary>
    static Dictionary<(int Layer, string Name), double[]> Reference(PipelineLayout layout, int steps) =>
        InProcessWeights(layout, steps, ScheduleKind.OneFOneB, BatchOf);

    [Theory]
    [InlineData(FrameRouting.ViaCoordinator)]
    [InlineData(FrameRouting.Direct)] // b's sends to d fail, or d's calls: either way d is found dead
    public async Task A_worker_stopped_mid_step_is_survived_with_the_weights_of_a_run_that_never_failed(FrameRouting routing)
    {
        const int Steps = 5;
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        // d is slow enough (20 ms a pass, 6 passes a step) that stopping it 50 ms into a step stops it mid-step.
        await using var d = await StartWorker(computeDelay: TimeSpan.FromMilliseconds(20));
        var problem = Problem(BatchSize);
        var layout = PipelineLayout.From(problem, Shapes[Shape], 4);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        var folder = Directory.CreateTempSubdirectory("hopsplit-recovery-").FullName;
        try
        {
            using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log, checkpointEvery: 2, folder: folder, routing: routing), layout);
            Task? stopping = null;
            var done = new List<long>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await trainer.TrainAsync(new BatchSource(BatchOf), Steps, (step, _) =>
            {
                done.Add(step);
                // After step 2 (checkpointed with step 1's: every 2 steps), stop d while step 3 runs.
                if (step == 2 && stopping is null) stopping = Task.Run(async () => { await Task.Delay(50); await d.DisposeAsync(); });
            });
            await stopping!;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s; steps reported: {string.Join(", ", done)}");
            foreach (var line in log.Lines) output.WriteLine(line);

            var recovered = Assert.Single(trainer.Decisions, x => x.Kind == DecisionKind.Recovered);
            Assert.Equal(3, recovered.Step);
            Assert.Contains("node(s) d dead", recovered.Message);
            Assert.Contains("restored the checkpoint of step 2", recovered.Message);
            Assert.DoesNotContain("d", trainer.Layout.ComputeStages.Select(s => s.Id));
            Assert.Equal(new HashSet<string> { "d" }, trainer.DeadNodes);
            Assert.Equal(Steps, trainer.Trainer.CompletedSteps);
            // Every step ran once, and step 2 (done after the last checkpoint, of 2 completed steps) again; step 3's failed attempt reports nothing.
            Assert.Equal(new long[] { 0, 1, 2, 2, 3, 4 }, done);
            Assert.Contains(log.Lines, l => l.StartsWith("Warning") && l.Contains("do not answer"));

            var compared = AssertSameWeights(Reference(layout, Steps), WeightsOf(await trainer.Trainer.GetWeightsAsync()), relative: 1e-9);
            output.WriteLine($"{compared} weights equal the never-failing in-process run; final plan {string.Join(" ", trainer.Layout.ComputeStages.Select(s => $"{s.Id}[{s.Ref.FirstLayer}..{s.Ref.LastLayer}]"))}, b = {trainer.Layout.MicroBatchSize}");
            Assert.Equal(4, new HopSplit.Distributed.Checkpoints.CheckpointStore(folder).Latest()!.Step);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Weights_do_not_depend_on_the_split_so_a_replay_on_another_plan_matches()
    {
        // The claim recovery rests on: the same batches on another split and micro-batch size give the same weights.
        const int Steps = 3;
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        var problem = Problem(BatchSize);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        using var distributed = await DistributedTrainer.ConnectAsync(PipelineLayout.From(problem, Shapes["a[0..1] b[2..6]"], 5),
            DistributedFixtures.Options(workers, ScheduleKind.GPipe));
        for (var step = 0; step < Steps; step++)
        {
            var (x, y) = BatchOf(step);
            using (x)
            using (y)
                await distributed.StepAsync(x, y);
        }
        AssertSameWeights(Reference(PipelineLayout.From(problem, Shapes[Shape], 4), Steps), WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-9);
    }

    [Fact]
    public async Task A_dead_source_cannot_be_recovered_and_the_message_names_it()
    {
        var log = new CapturedLog();
        var a = await StartWorker();
        await using var b = await StartWorker();
        var problem = Problem(BatchSize);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log), PipelineLayout.From(problem, Shapes["a[0..1] b[2..6]"], 6));
        await trainer.TrainAsync(new BatchSource(BatchOf), 1);
        await a.DisposeAsync();
        var error = await Assert.ThrowsAsync<RecoveryFailedException>(() => trainer.TrainAsync(new BatchSource(BatchOf), 2));
        output.WriteLine(error.Message);
        Assert.Contains("node a is dead and it is the data source", error.Message);
        Assert.Contains("a", error.DeadNodes);
    }

    [Fact]
    public async Task A_refused_frame_is_not_a_dead_worker_and_is_not_recovered()
    {
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        var problem = Problem(BatchSize);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log), PipelineLayout.From(problem, Shapes["a[0..1] b[2..6]"], 6));
        // Float32 inputs for float64 layers: the first worker refuses the frame.
        var error = await Assert.ThrowsAsync<DistributedStageException>(() => trainer.TrainAsync(
            new BatchSource(i => Batch(BatchSize, seed: 1, ScalarType.Float32)), 1));
        Assert.IsNotType<WorkerUnreachableException>(error);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.Status);
        Assert.Empty(trainer.Decisions);
    }

    [Fact]
    public async Task No_plan_without_the_dead_node_fails_naming_it()
    {
        // a - b only, and a too small to hold the model: without b nothing fits.
        var log = new CapturedLog();
        await using var a = await StartWorker();
        var b = await StartWorker();
        var problem = new PlanningProblem(SmallCnn.Costs, new Network(
            // 20,000 bytes hold layer 0 for a batch of 12 (15,680 bytes), not layers 0..1 (27,968).
            [new NetworkNode("a", 1e12, 20_000), new NetworkNode("b", 1e12, 1e12)],
            [new NetworkLink("a", "b", 1e12, 0)], source: "a"), new TrainingJob(BatchSize));
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address };
        using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log));
        await b.DisposeAsync();
        var error = await Assert.ThrowsAsync<RecoveryFailedException>(() => trainer.TrainAsync(new BatchSource(BatchOf), 1));
        output.WriteLine(error.Message);
        Assert.StartsWith("no plan can continue without the dead node(s) b:", error.Message);
    }

    [Fact]
    public async Task A_worker_restarted_on_its_address_is_taken_back_when_the_plan_gains_by_the_margin()
    {
        const int Steps = 7;
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        var d = await StartWorker();
        var port = d.Address.Port;
        // Compute-bound: a (the source) at 1 MFLOP/s, b far slower, d fast; links free. With d the plan gives it the
        // layers after the first; without it a does them all.
        var problem = new PlanningProblem(SmallCnn.Costs, new Network(
            [new NetworkNode("a", 1e6, 1e12), new NetworkNode("b", 1e4, 1e12), new NetworkNode("r", 0, 0), new NetworkNode("d", 1e8, 1e12)],
            [new NetworkLink("a", "b", 1e12, 0), new NetworkLink("b", "r", 1e12, 0), new NetworkLink("r", "d", 1e12, 0)],
            source: "a"), new TrainingJob(BatchSize));
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log, rejoinEvery: 1));
        var initial = trainer.Layout;
        Assert.Contains("d", initial.ComputeStages.Select(s => s.Id)); // the premise: d is worth having

        var done = new List<long>();
        StageWorkerHost? restarted = null;
        try
        {
            await trainer.TrainAsync(new BatchSource(BatchOf), Steps, (step, _) =>
            {
                done.Add(step);
                // d stops after step 1 (the next step finds it dead) and comes back on its address after step 3.
                if (step == 1 && done.Count == 2) d.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (step == 3 && restarted is null)
                    restarted = StartWorker(port: port).GetAwaiter().GetResult();
            });
            foreach (var line in log.Lines) output.WriteLine(line);

            Assert.Equal(new[] { DecisionKind.Recovered, DecisionKind.Rejoined }, trainer.Decisions.Select(x => x.Kind));
            Assert.Equal(2, trainer.Decisions[0].Step);
            var rejoined = trainer.Decisions[1];
            Assert.Equal(4, rejoined.Step);
            Assert.Contains($"worker(s) http://127.0.0.1:{port}/ of node(s) d answer again", rejoined.Message);
            Assert.Matches(@"the best plan's T is [0-9.E+-]+ s, the running plan's [0-9.E+-]+ s \([0-9]+ % better\); took them back", rejoined.Message);
            Assert.Contains(log.Lines, l => l.StartsWith("Information recovery:") && l.Contains("took them back"));
            Assert.Contains("d", trainer.Layout.ComputeStages.Select(s => s.Id));
            Assert.Empty(trainer.DeadNodes);
            // d's death is found by the checkpoint after step 1, so step 1 is replayed on the plan without d.
            Assert.Equal(new long[] { 0, 1, 1, 2, 3, 4, 5, 6 }, done);
            AssertSameWeights(Reference(initial, Steps), WeightsOf(await trainer.Trainer.GetWeightsAsync()), relative: 1e-9);
        }
        finally
        {
            if (restarted is not null) await restarted.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_worker_that_answers_again_is_not_taken_back_below_the_margin_and_the_decision_is_logged()
    {
        // Free links and equal fast nodes: a plan with d is no better, so d stays out.
        const int Steps = 4;
        var log = new CapturedLog();
        await using var a = await StartWorker();
        await using var b = await StartWorker();
        var d = await StartWorker();
        var port = d.Address.Port;
        var problem = Problem(BatchSize);
        var layout = PipelineLayout.From(problem, Shapes[Shape], 4);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = b.Address, ["d"] = d.Address };
        using var trainer = await ResilientTrainer.StartAsync(ResilientOptions(workers, problem, log, rejoinEvery: 1), layout);
        StageWorkerHost? restarted = null;
        try
        {
            await trainer.TrainAsync(new BatchSource(BatchOf), Steps, (step, _) =>
            {
                // d stops after step 0 and is back on its address once the trainer has dropped it.
                if (step == 0 && !trainer.DeadNodes.Contains("d")) d.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (step == 1 && restarted is null && trainer.DeadNodes.Contains("d"))
                    restarted = StartWorker(port: port).GetAwaiter().GetResult();
            });
            foreach (var line in log.Lines) output.WriteLine(line);
            var kept = Assert.Single(trainer.Decisions, x => x.Kind == DecisionKind.KeptPlan);
            Assert.Contains("of node(s) d answer again", kept.Message);
            Assert.Contains("below the 10 % margin, keeping the plan without them", kept.Message);
            Assert.DoesNotContain(trainer.Decisions, x => x.Kind == DecisionKind.Rejoined);
            Assert.Equal(new HashSet<string> { "d" }, trainer.DeadNodes);
            AssertSameWeights(Reference(layout, Steps), WeightsOf(await trainer.Trainer.GetWeightsAsync()), relative: 1e-9);
        }
        finally
        {
            if (restarted is not null) await restarted.DisposeAsync();
        }
    }
}
