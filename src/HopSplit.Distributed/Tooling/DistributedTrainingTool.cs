using System.Reflection;
using System.Text.Json.Nodes;
using HopSplit.Distributed;
using HopSplit.Distributed.Transport;
using HopSplit.Planning;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Tooling;

/// <summary>
/// <c>hopsplit train --workers</c>: plans a [SplitModel] class of a compiled application as the in-process
/// <see cref="PipelineTrainingTool"/> does, then drives <c>hopsplit worker</c> processes (or any
/// <see cref="StageWorkerHost"/>) with <see cref="DistributedTrainer"/> on the application's training data, and
/// tests the trained weights here.
/// </summary>
/// <remarks>Called by reflection inside the application's load context; only framework types cross.</remarks>
public static class DistributedTrainingTool
{
    /// <summary>Plans, assigns the segments to the workers, trains and reports.</summary>
    /// <param name="assembly">The application.</param>
    /// <param name="model">The [SplitModel] class, or null for the only one.</param>
    /// <param name="data">The ITrainingData class, or null for the only one.</param>
    /// <param name="networkFile">A network JSON file, or null.</param>
    /// <param name="networkType">An [EdgeNetwork] class, or null.</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="steps">Training steps.</param>
    /// <param name="schedule">gpipe or 1f1b.</param>
    /// <param name="learningRate">SGD's learning rate (momentum 0.9).</param>
    /// <param name="seed">Initial weights, built by every worker.</param>
    /// <param name="workers">"id=http://host:port,...": the worker of every compute node of the plan.</param>
    /// <param name="tokenFile">The file holding the workers' shared token.</param>
    /// <param name="tlsCertificate">--tls-cert: the client certificate for https:// workers that require one, or null.</param>
    /// <param name="tlsKey">--tls-key: its PEM key when not in the certificate file, or null.</param>
    /// <param name="serverCa">--server-ca: the CA the workers' certificates must be issued by, or null for the machine's trusted CAs.</param>
    /// <param name="waitForWorkers">--wait-for-workers: seconds to wait for workers that do not listen yet (0: not at all).</param>
    /// <param name="routing">--routing: relay (the coordinator relays every frame) or direct (workers send to each other).</param>
    /// <param name="planned">Hears the plan as JSON before training starts.</param>
    /// <param name="stepped">Hears every step's number (1-based) and loss.</param>
    /// <param name="finished">Hears the report as JSON.</param>
    /// <param name="error">Where problems go, one line each.</param>
    /// <param name="cancellation">Stops training (Ctrl+C).</param>
    public static int Run(Assembly assembly, string? model, string? data, string? networkFile, string? networkType,
        int batchSize, int steps, string schedule, double learningRate, long seed, string workers, string tokenFile,
        string? tlsCertificate, string? tlsKey, string? serverCa, double waitForWorkers, string routing, Action<string> planned, Action<int, double> stepped, Action<string> finished, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(stepped);
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentNullException.ThrowIfNull(error);
        GlibcHeap.KeepLargeBlocks();
        try
        {
            var addresses = WorkerAddresses.Parse(workers);
            var token = ReadToken(tokenFile);
            var frameRouting = RoutingOf(routing);
            var client = ClientOptions(new CoordinatorTlsFlags(tlsCertificate, tlsKey, serverCa), addresses.Values);
            var setup = TrainingSetup.Create(assembly, new TrainingSettings(model, data, networkFile, networkType, batchSize, steps, schedule, learningRate, seed));
            CheckWorkers(setup, addresses);
            planned(setup.PlanJson().ToJsonString());
            finished(TrainAsync(setup, addresses, token, client, TimeSpan.FromSeconds(waitForWorkers), frameRouting, stepped, cancellation).GetAwaiter().GetResult().ToJsonString());
            return ToolExitCodes.Success;
        }
        catch (ToolInputException e)
        {
            error.WriteLine("error: " + e.Message);
            return ToolExitCodes.InvalidInput;
        }
        catch (InfeasiblePlanException e)
        {
            error.WriteLine("error: no feasible plan: " + e.Message);
            return ToolExitCodes.Infeasible;
        }
        catch (DistributedStageException e)
        {
            error.WriteLine("error: " + e.Message + Hint(e.Status));
            return ToolExitCodes.WorkerFailed;
        }
    }

    private static string Hint(Grpc.Core.StatusCode? status) => status switch
    {
        Grpc.Core.StatusCode.Unavailable => " (is a hopsplit worker running at that address?)",
        Grpc.Core.StatusCode.Unauthenticated => " (the worker was started with another token than --token-file holds)",
        _ => "",
    };

    /// <summary>The command line's name of a routing, and back: relay and direct.</summary>
    private static FrameRouting RoutingOf(string name) => name switch
    {
        "relay" => FrameRouting.ViaCoordinator,
        "direct" => FrameRouting.Direct,
        _ => throw new ToolInputException($"--routing: '{name}' is not relay or direct"),
    };

    private static string NameOf(FrameRouting routing) => routing == FrameRouting.Direct ? "direct" : "relay";

    private static SharedToken ReadToken(string path)
    {
        try
        {
            return SharedToken.FromFile(path);
        }
        catch (ArgumentException e)
        {
            throw new ToolInputException("--token-file: " + e.Message);
        }
    }

    private static StageClientOptions ClientOptions(CoordinatorTlsFlags tls, IEnumerable<Uri> workers)
    {
        try
        {
            return tls.Apply(new StageClientOptions(), workers);
        }
        catch (TlsFileException e)
        {
            throw new ToolInputException(e.Message);
        }
    }

    /// <summary>Every compute node of the plan needs a worker, and every worker a node of the network.</summary>
    private static void CheckWorkers(TrainingSetup setup, IReadOnlyDictionary<string, Uri> addresses)
    {
        var nodes = setup.Network.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in addresses.Keys.Where(id => !nodes.Contains(id)))
            throw new ToolInputException($"--workers: node '{id}' is not in the network (its nodes: {string.Join(", ", setup.Network.Nodes.Select(n => n.Id))})");
        var missing = setup.Layout.ComputeStages.Select(s => s.Id).Distinct().Where(id => !addresses.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            throw new ToolInputException($"--workers: the plan runs layers on {string.Join(", ", missing)} but no worker is given for {(missing.Length == 1 ? "it" : "them")}; add {string.Join(",", missing.Select(id => id + "=http://HOST:PORT"))}");
    }

    private static async Task<JsonObject> TrainAsync(TrainingSetup setup, IReadOnlyDictionary<string, Uri> addresses, SharedToken token,
        StageClientOptions client, TimeSpan waitForWorkers, FrameRouting routing, Action<int, double> stepped, CancellationToken cancellation)
    {
        var settings = setup.Settings;
        using var trainer = await DistributedTrainer.ConnectAsync(setup.Layout, new DistributedTrainerOptions
        {
            Workers = addresses, Token = token, Seed = settings.Seed, LearningRate = settings.LearningRate, Momentum = TrainingSettings.Momentum,
            Schedule = setup.Schedule, Client = client, WorkerStartTimeout = waitForWorkers, Routing = routing,
        }, cancellation).ConfigureAwait(false);
        var losses = new List<double>();
        var walls = new List<double>();
        for (var step = 0; step < settings.Steps; step++)
        {
            DistributedStepResult result;
            using (var scope = NewDisposeScope())
            {
                var (inputs, labels) = setup.Data.Batch(step, settings.BatchSize);
                result = await trainer.StepAsync(inputs, labels, cancellation).ConfigureAwait(false);
            }
            losses.Add(result.Loss);
            walls.Add(result.WallSeconds);
            stepped(step + 1, result.Loss);
        }

        var model = setup.CreateModel(settings.Seed);
        using var module = (nn.Module)model;
        LoadWeights(model, await trainer.GetWeightsAsync(cancellation).ConfigureAwait(false));
        var json = TrainingReportJson.Common("workers", losses, TestAccuracy.Of(model, setup.Data));
        // The first step opens connections and starts libtorch on every worker: leave it out when there are others.
        var measured = walls.Count > 1 ? walls.Skip(1) : walls;
        json["routing"] = NameOf(routing);
        json["measuredSteps"] = measured.Count();
        json["formulaSeconds"] = setup.Layout.FormulaSeconds();
        json["simulatedSeconds"] = setup.Layout.Simulate(setup.Layout.MicroBatchSizes(settings.BatchSize), setup.Schedule).MakespanSeconds;
        json["measuredWallSeconds"] = MedianOf(measured);
        json["workers"] = new JsonArray(trainer.Assignments.Select(a => (JsonNode?)new JsonObject
        {
            ["node"] = a.Stage.Id,
            ["firstLayer"] = a.Stage.Ref.FirstLayer,
            ["lastLayer"] = a.Stage.Ref.LastLayer,
            ["address"] = a.Worker.ToString(),
        }).ToArray());
        return json;
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void LoadWeights(ISplitModel model, IReadOnlyDictionary<(int Layer, string Name), Tensor> weights)
    {
        using var noGrad = no_grad();
        for (var layer = 0; layer < model.LayerCount; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters())
                parameter.copy_(weights[(layer, name)]);
        foreach (var tensor in weights.Values) tensor.Dispose();
    }
}
