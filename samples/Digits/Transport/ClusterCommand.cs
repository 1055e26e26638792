using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using HopSplit.Distributed;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Training;
using TorchSharp;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// `digits cluster`: the multi-process run in one command. Starts a `digits worker` process per compute node
/// of the plan on free loopback ports with a fresh random token, trains DigitNet over gRPC with the plan's
/// links and nodes emulated, prints measured against predicted, and stops the workers (also on Ctrl+C or an
/// error). `--compare` also runs the in-process emulated trainer on the same plan and steps.
/// </summary>
internal static class ClusterCommand
{
    /// <summary>Interrupted (Ctrl+C or SIGTERM): the workers were stopped.</summary>
    public const int Interrupted = 130;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var steps = DigitsApp.PositiveInt("--steps", "Measured training steps (mini-batches of 64), after the warm-up.", 20);
        var warmUp = new Option<int>("--warm-up") { Description = "Steps before measuring (connections, JIT, libtorch start).", DefaultValueFactory = _ => 2 };
        var schedule = new Option<string>("--schedule", "-s") { Description = "gpipe or 1f1b.", DefaultValueFactory = _ => "1f1b" };
        schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        var allNodes = new Option<bool>("--all-nodes")
        {
            Description = "Instead of the planner's plan (sensor, gateway, edge), put a segment on every node: sensor conv1..pool1, " +
                          "gateway conv2..flat, edge fc1..relu3, cloud fc2 (four workers).",
        };
        var emulation = new Option<string>("--emulation") { Description = "modeled (links and nodes at the plan's speeds) or none.", DefaultValueFactory = _ => "modeled" };
        emulation.AcceptOnlyFromAmong("modeled", "none");
        var compare = new Option<bool>("--compare") { Description = "Also train in this process with the emulated runtime (same plan, steps and data) and compare step times." };
        var seed = new Option<int>("--seed") { Description = "Initial weights (built by every worker) and data order.", DefaultValueFactory = _ => 1 };
        var tls = new Option<bool>("--tls")
        {
            Description = "Mutual TLS: make a private CA for this run, start the workers on https:// with a certificate it issued and " +
                          "--client-ca, and connect with a client certificate it issued (the files are deleted afterwards).",
        };
        var routing = new Option<string>("--routing")
        {
            Description = "relay: the coordinator relays every activation and gradient; direct: the workers send them to each other " +
                          "(each emulates its links and measures its sends; with --tls they present a client certificate of the run's CA).",
            DefaultValueFactory = _ => "relay",
        };
        routing.AcceptOnlyFromAmong("relay", "direct");
        var command = new Command("cluster",
            "Start one `digits worker` process per node of the plan on loopback (fresh random token), train DigitNet over gRPC " +
            "with the plan's network emulated, print measured against predicted, and stop the workers.");
        foreach (var option in new Option[] { steps, warmUp, schedule, allNodes, emulation, compare, seed, tls, routing }) command.Options.Add(option);
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(warmUp) < 0)
            {
                await error.WriteLineAsync("error: --warm-up must not be negative");
                return DigitsApp.InvalidInput;
            }
            var settings = new ClusterSettings(DigitsApp.ScheduleOf(parse.GetValue(schedule)), parse.GetValue(warmUp), parse.GetValue(steps),
                parse.GetValue(allNodes), parse.GetValue(emulation) == "none" ? NetworkEmulation.None : NetworkEmulation.Modeled,
                parse.GetValue(compare), parse.GetValue(seed), parse.GetValue(tls),
                parse.GetValue(routing) == "direct" ? FrameRouting.Direct : FrameRouting.ViaCoordinator);
            try
            {
                return await RunAsync(settings, output, cancellation);
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("interrupted: the workers were stopped");
                return Interrupted;
            }
            catch (Exception e) when (e is DistributedStageException or InvalidOperationException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return DigitsApp.InvalidInput;
            }
        });
        return command;
    }

    private sealed record ClusterSettings(ScheduleKind Schedule, int WarmUp, int Steps, bool AllNodes, NetworkEmulation Emulation, bool Compare, int Seed, bool Tls,
        FrameRouting Routing)
    {
        public bool Direct => Routing == FrameRouting.Direct;

        /// <summary>How the report names the routing.</summary>
        public string RoutingName => Direct ? "direct routing (the workers send to each other)" : "relayed by the coordinator";

        public const int BatchSize = 64;
        public const double LearningRate = 0.05;
        public const double Momentum = 0.9;
    }

    private static async Task<int> RunAsync(ClusterSettings settings, TextWriter output, CancellationToken cancellation)
    {
        GlibcHeap.KeepLargeBlocks();
        torch.set_num_threads(1);
        var data = DigitsDataset.Load(null);
        var layout = Layout(settings);
        var nodes = layout.ComputeStages.Select(s => s.Id).Distinct().ToArray();
        var tokenFile = WriteTokenFile();
        using var certificates = settings.Tls ? ClusterCertificates.Create() : null;
        try
        {
            IReadOnlyList<string> listen = certificates?.WorkerArguments(settings.Direct) ?? ["--listen", "http://127.0.0.1:0"];
            await using var workers = await WorkerProcesses.StartAsync(nodes.Length, tokenFile, listen, TimeSpan.FromSeconds(120), cancellation);
            output.WriteLine($"Started {nodes.Length} worker processes (ids {string.Join(", ", workers.ProcessIds)}){(settings.Tls ? $" serving mutual TLS (certificates in {certificates!.Folder}, deleted at the end)" : "")}.");
            var addresses = nodes.Select((node, i) => (node, workers.Addresses[i])).ToDictionary(p => p.node, p => p.Item2);
            using var trainer = await DistributedTrainer.ConnectAsync(layout, new DistributedTrainerOptions
            {
                Workers = addresses, Token = SharedToken.FromFile(tokenFile), Seed = settings.Seed,
                LearningRate = ClusterSettings.LearningRate, Momentum = ClusterSettings.Momentum, Schedule = settings.Schedule,
                Emulation = settings.Emulation, Routing = settings.Routing,
                Client = new StageClientOptions { ClientCertificate = certificates?.Client, ServerCertificateAuthority = certificates?.Authority },
            }, cancellation);
            foreach (var (stage, worker) in trainer.Assignments)
                output.WriteLine($"{stage.Id}: layers {stage.Ref.FirstLayer}..{stage.Ref.LastLayer} on {worker}");
            output.WriteLine(Invariant($"{layout.MicroBatchSizes(ClusterSettings.BatchSize).Count} micro-batches of {layout.MicroBatchSize}, {settings.Schedule}, emulation {settings.Emulation}, {settings.RoutingName}."));

            var measured = new List<StepResult>();
            var paths = new List<MeasuredPath>();
            using (var batches = new MiniBatches(data.Train, ClusterSettings.BatchSize, settings.Seed))
            {
                for (var step = 0; step < settings.WarmUp + settings.Steps; step++)
                {
                    var (x, y) = batches.Next();
                    DistributedStepResult result;
                    using (x)
                    using (y)
                        result = await trainer.StepAsync(x, y, cancellation);
                    if (step >= settings.WarmUp)
                    {
                        measured.Add(new StepResult(result.Loss, result.MakespanSeconds, result.WallSeconds, result.MicroBatchSizes, result.Tasks));
                        paths.AddRange(result.Paths);
                    }
                    output.WriteLine(Invariant($"step {step + 1}/{settings.WarmUp + settings.Steps}{(step < settings.WarmUp ? " (warm-up)" : "")}: loss {result.Loss:F4}, {result.MakespanSeconds * 1e3:F1} ms"));
                }
            }
            var report = PipelineReport.Build(layout, settings.Schedule, measured);
            output.WriteLine();
            output.WriteLine("Across processes over gRPC, measured against the plan:");
            output.Write(report.Format());
            if (settings.Direct) WritePaths(paths, output);
            if (settings.Compare) Compare(settings, data, layout, report, output, cancellation);
            output.WriteLine($"Stopping the {nodes.Length} workers.");
        }
        finally
        {
            File.Delete(tokenFile);
        }
        return DigitsApp.Success;
    }

    /// <summary>The planner's plan, or the four-node split of --all-nodes with the planner's micro-batch size.</summary>
    private static PipelineLayout Layout(ClusterSettings settings)
    {
        var problem = DigitsTraining.Problem(new DigitsTrainingOptions(settings.Schedule, BatchSize: ClusterSettings.BatchSize, Seed: settings.Seed));
        var plan = Planner.Plan(problem, new PlannerOptions());
        if (!settings.AllNodes) return PipelineLayout.From(problem, plan);
        // sensor 0..2 (conv1, relu1, pool1), gateway 3..6 (conv2 .. flat), edge 7..8 (fc1, relu3), cloud 9 (fc2).
        var shape = new PlanShape([0, 1, 2, 3], [0, 1, 2],
            [new SegmentPlacement(0, 0, 2), new SegmentPlacement(1, 3, 6), new SegmentPlacement(2, 7, 8), new SegmentPlacement(3, 9, 9)]);
        return PipelineLayout.From(problem, shape, plan.MicroBatchSize);
    }

    /// <summary>The same plan, steps and data in this process with the emulated runtime; prints both medians and their ratio.</summary>
    private static void Compare(ClusterSettings settings, DigitsDataset data, PipelineLayout layout, PipelineReport distributed, TextWriter output,
        CancellationToken cancellation)
    {
        using var model = (DigitNet)WorkerCommand.CreateModel(settings.Seed);
        using var trainer = PipelineTrainer.Create(model, layout, new PipelineTrainerOptions
        {
            CreateOptimizer = parameters => torch.optim.SGD(parameters, ClusterSettings.LearningRate, momentum: ClusterSettings.Momentum),
            Schedule = settings.Schedule, Emulation = settings.Emulation, TorchThreads = 1,
        });
        var measured = new List<StepResult>();
        using var batches = new MiniBatches(data.Train, ClusterSettings.BatchSize, settings.Seed);
        for (var step = 0; step < settings.WarmUp + settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var (x, y) = batches.Next();
            var result = trainer.Step(x, y);
            if (step >= settings.WarmUp) measured.Add(result);
        }
        var inProcess = PipelineReport.Build(layout, settings.Schedule, measured);
        output.WriteLine();
        output.WriteLine("In this process (the emulated runtime, same plan, steps and data):");
        output.Write(inProcess.Format());
        output.WriteLine();
        output.WriteLine(Invariant($"Step time (median of {settings.Steps}): across processes {distributed.MeasuredSeconds * 1e3:F1} ms, in process {inProcess.MeasuredSeconds * 1e3:F1} ms, simulated {distributed.SimulatedSeconds * 1e3:F1} ms; processes / in process {distributed.MeasuredSeconds / inProcess.MeasuredSeconds:F2}x{(settings.Direct ? ", the workers sending to each other" : "")}."));
    }

    /// <summary>
    /// Direct routing: the sends between consecutive segments as the sending workers measured them, all measured steps
    /// together. (The link rows above stay empty: a send is part of its worker's compute call, not a task of its own.)
    /// </summary>
    private static void WritePaths(IReadOnlyList<MeasuredPath> paths, TextWriter output)
    {
        output.WriteLine("Links as the sending workers measured them (direct routing; the link rows above have no tasks of their own):");
        foreach (var path in paths.GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            var all = new MeasuredPath(path.Key, path.First().Links, path.Sum(p => p.Bytes), path.Sum(p => p.Seconds), path.Sum(p => p.Transfers));
            output.WriteLine(Invariant($"  {all.Name}: {all.Transfers} sends, {all.Bytes / 1024.0:F1} KiB in {all.Seconds * 1e3:F1} ms; planned {all.PlannedBitsPerSecond / 1e6:F2} Mbit/s, measured {all.MeasuredBitsPerSecond / 1e6:F2} Mbit/s"));
        }
    }

    /// <summary>A fresh random token in a file only this user can read.</summary>
    private static string WriteTokenFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-cluster-{Guid.NewGuid():N}.token");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(new FileStream(path, options)))
            writer.WriteLine(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        return path;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
