using System.CommandLine;
using System.Globalization;
using HopSplit.Distributed;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Recovery;
using HopSplit.Distributed.Transport;
using HopSplit.Planning;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Training;
using HopSplit.Tooling;
using TorchSharp;

namespace HopSplit.Samples.Digits;

/// <summary>
/// `digits train-remote --workers sensor=URL,gateway=URL,edge=URL --token-file FILE`: the coordinator. Plans
/// DigitNet on the sample's network, assigns every segment to its node's `digits worker`, trains over gRPC
/// with SGD and tests the trained weights here. A worker that dies is survived: its node is dropped, DigitNet is
/// re-planned on the others and every segment restored from the last checkpoint (one line per decision).
/// </summary>
internal static class RemoteTrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var workers = new Option<string>("--workers")
        {
            Description = "The worker of each node of the plan: id=URL,... (e.g. sensor=http://127.0.0.1:5001,gateway=http://127.0.0.1:5002,edge=http://127.0.0.1:5003).",
            Required = true,
        };
        var tokenFile = new Option<FileInfo>("--token-file") { Description = "The file holding the workers' shared token.", Required = true };
        var steps = DigitsApp.PositiveInt("--steps", "Training steps (mini-batches of 64).", 50);
        var schedule = new Option<string>("--schedule", "-s") { Description = "gpipe or 1f1b.", DefaultValueFactory = _ => "1f1b" };
        schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        var seed = new Option<int>("--seed") { Description = "Initial weights (built by every worker) and data order.", DefaultValueFactory = _ => 1 };
        var mnist = new Option<DirectoryInfo?>("--mnist") { Description = "Train on MNIST's IDX files in this folder instead of the synthetic digits." };
        var checkpointDir = new Option<DirectoryInfo?>("--checkpoint-dir")
        {
            Description = "Write a checkpoint file here (atomically; the newest two kept) and resume from the newest one found at start. Without it the last checkpoint is kept in memory: dead workers are survived, a dead coordinator is not.",
        };
        var checkpointEvery = DigitsApp.PositiveInt("--checkpoint-every", "Checkpoint after every N steps (steps after the last checkpoint are replayed after a failure).", 1);
        var replan = new Option<double?>("--replan-threshold")
        {
            Description = "Re-plan when a node's measured compute time stays more than this many times above (or below) the plan's for 3 steps, e.g. 4. Off by default.",
        };
        var routing = new Option<string>("--routing")
        {
            Description = "relay: the coordinator relays every activation and gradient; direct: workers send them to each other (and measure the links, which --replan-threshold then judges too).",
            DefaultValueFactory = _ => "relay",
        };
        routing.AcceptOnlyFromAmong("relay", "direct");
        var rejoinEvery = new Option<int>("--rejoin-every")
        {
            Description = "Every N steps ping the workers of dead nodes and take back those that answer when a plan with them is 10% better (0: never).",
            DefaultValueFactory = _ => 5,
        };
        var waitForWorkers = new Option<double>("--wait-for-workers")
        {
            Description = "Seconds to wait for workers that do not listen yet (started together with this command); those still silent are planned without. 0 does not wait.",
            DefaultValueFactory = _ => 20,
        };
        var tls = TlsOptions.Coordinator();
        var command = new Command("train-remote", "Train DigitNet on `digits worker` processes over gRPC (the coordinator); survives dead workers.");
        foreach (var option in new Option[] { workers, tokenFile, steps, schedule, seed, mnist, checkpointDir, checkpointEvery, replan, routing, rejoinEvery, waitForWorkers }) command.Options.Add(option);
        tls.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            Dictionary<string, Uri> nodes;
            SharedToken token;
            StageClientOptions client;
            DigitsDataset data;
            try
            {
                nodes = WorkerAddresses.Parse(parse.GetValue(workers)!);
                token = SharedToken.FromFile(parse.GetValue(tokenFile)!.FullName);
                client = tls.CoordinatorFlags(parse).Apply(new StageClientOptions(), nodes.Values);
                data = DigitsDataset.Load(parse.GetValue(mnist)?.FullName);
            }
            catch (Exception e) when (e is ArgumentException or IOException or ToolInputException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return DigitsApp.InvalidInput;
            }
            var options = new DigitsTrainingOptions(DigitsApp.ScheduleOf(parse.GetValue(schedule)), parse.GetValue(steps), Seed: parse.GetValue(seed));
            if (parse.GetValue(replan) is { } threshold && !(threshold > 1))
            {
                await error.WriteLineAsync($"error: --replan-threshold {threshold} must be above 1 (a ratio of measured to modeled time)");
                return DigitsApp.InvalidInput;
            }
            if (parse.GetValue(waitForWorkers) is var wait && !(wait >= 0 && wait <= 3600))
            {
                await error.WriteLineAsync($"error: --wait-for-workers {wait} must be between 0 and 3600 seconds");
                return DigitsApp.InvalidInput;
            }
            if (parse.GetValue(rejoinEvery) < 0)
            {
                await error.WriteLineAsync($"error: --rejoin-every {parse.GetValue(rejoinEvery)} must be 0 (never) or a number of steps");
                return DigitsApp.InvalidInput;
            }
            try
            {
                using var trainer = await ResilientTrainer.StartAsync(new ResilientTrainerOptions
                {
                    Problem = DigitsTraining.Problem(options),
                    Trainer = new DistributedTrainerOptions
                    {
                        Workers = nodes, Token = token, Seed = options.Seed, LearningRate = 0.05, Momentum = 0.9, Schedule = options.Schedule,
                        Routing = parse.GetValue(routing) == "direct" ? FrameRouting.Direct : FrameRouting.ViaCoordinator,
                        Client = client, WorkerStartTimeout = TimeSpan.FromSeconds(parse.GetValue(waitForWorkers)),
                    },
                    RejoinEvery = parse.GetValue(rejoinEvery),
                    CheckpointDirectory = parse.GetValue(checkpointDir)?.FullName,
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Drift = parse.GetValue(replan) is { } ratio ? new DriftOptions { Threshold = ratio } : null,
                    Decided = decision => output.WriteLine($"decision: {decision.Message}"),
                }, cancellation: cancellation);
                foreach (var (stage, worker) in trainer.Trainer.Assignments)
                    output.WriteLine($"{stage.Id}: layers {stage.Ref.FirstLayer}..{stage.Ref.LastLayer} on {worker}");
                output.WriteLine(parse.GetValue(routing) == "direct" ? "Routing: direct (the workers send to each other)." : "Routing: relay (through this coordinator).");
                using var batches = new MiniBatches(data.Train, options.BatchSize, options.Seed);
                await trainer.TrainAsync(new BatchSource(batches.At), options.Steps, (step, result) =>
                {
                    if (step % 10 == 0 || step == options.Steps - 1)
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step + 1}/{options.Steps}: loss {result.Loss:F4}, {result.WallSeconds * 1e3:F0} ms"));
                }, cancellation);
                if (trainer.Decisions.Any(d => d.Kind is DecisionKind.Recovered or DecisionKind.Replanned))
                    output.WriteLine($"final plan: {string.Join(", ", trainer.Trainer.Assignments.Select(a => $"{a.Stage.Id} layers {a.Stage.Ref.FirstLayer}..{a.Stage.Ref.LastLayer}"))}");
                using var model = WorkerCommand.CreateModel(options.Seed) as DigitNet ?? throw new InvalidOperationException("DigitNet expected");
                Load(model, await trainer.Trainer.GetWeightsAsync(cancellation));
                output.WriteLine($"Test accuracy: {Accuracy.Of(model, data.Test).ToString("P1", CultureInfo.InvariantCulture)} on {data.Test.Count} held-out images.");
                return DigitsApp.Success;
            }
            catch (Exception e) when (e is DistributedStageException or ArgumentException or RecoveryFailedException or CheckpointException or InfeasiblePlanException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return DigitsApp.InvalidInput;
            }
        });
        return command;
    }

    private static void Load(ISplitModel model, IReadOnlyDictionary<(int Layer, string Name), torch.Tensor> weights)
    {
        using var noGrad = torch.no_grad();
        for (var layer = 0; layer < model.LayerCount; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters())
                parameter.copy_(weights[(layer, name)]);
        foreach (var tensor in weights.Values) tensor.Dispose();
    }
}
