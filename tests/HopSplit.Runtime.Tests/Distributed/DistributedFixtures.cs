using System.Collections.Concurrent;
using HopSplit.Distributed;
using HopSplit.Planning.Model;
using HopSplit.Runtime.Tests.Pipeline;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>Workers on loopback ports chosen by the system, the shared token, and a log that tests can read.</summary>
internal static class DistributedFixtures
{
    public static readonly SharedToken Token = new("test-token-5f1c2a9e7b3d4c60");

    /// <summary>SmallCnn in double precision; the seed gives the same weights as <see cref="PipelineFixtures.Model"/>.</summary>
    public static ISplitModel SmallCnnFactory(long seed) => PipelineFixtures.Model((int)seed, ScalarType.Float64);

    /// <summary>A SmallCnn worker on loopback (a free port unless <paramref name="port"/> is given); <paramref name="computeDelay"/> emulates a slower device.</summary>
    public static Task<StageWorkerHost> StartWorker(CapturedLog? log = null, int maxFrameBytes = StageWorkerHostOptions.DefaultMaxFrameBytes,
        int chunkBytes = StageWorkerHostOptions.DefaultChunkBytes, TimeSpan computeDelay = default, int port = 0) =>
        StageWorkerHost.StartAsync(SmallCnnFactory, new StageWorkerHostOptions
        {
            Listen = new Uri($"http://127.0.0.1:{port}"),
            Token = Token,
            MaxFrameBytes = maxFrameBytes,
            ChunkBytes = chunkBytes,
            ComputeDelay = computeDelay,
            ConfigureLogging = logging => { if (log is not null) logging.AddProvider(log); },
        });

    public static DistributedTrainerOptions Options(IReadOnlyDictionary<string, Uri> workers, ScheduleKind schedule, int chunkBytes = StageWorkerHostOptions.DefaultChunkBytes) => new()
    {
        Workers = workers,
        Token = Token,
        Seed = 21,
        LearningRate = 0.1,
        Momentum = 0.9,
        Schedule = schedule,
        Client = new StageClientOptions { ChunkBytes = chunkBytes, CallTimeout = TimeSpan.FromSeconds(30) },
    };

    /// <summary>The weights the in-process trainer reaches on <paramref name="layout"/> (seed 21, float64, SGD as <see cref="Options(IReadOnlyDictionary{string, Uri}, ScheduleKind, int)"/>) after <paramref name="steps"/> batches of <paramref name="batchOf"/>.</summary>
    public static Dictionary<(int Layer, string Name), double[]> InProcessWeights(PipelineLayout layout, int steps, ScheduleKind schedule, Func<long, (Tensor, Tensor)> batchOf)
    {
        using var model = PipelineFixtures.Model(seed: 21, ScalarType.Float64);
        using var trainer = PipelineTrainer.Create(model, layout, PipelineFixtures.Options(schedule));
        for (var step = 0; step < steps; step++)
        {
            var (x, y) = batchOf(step);
            using (x)
            using (y)
                trainer.Step(x, y);
        }
        return WeightsOf(model);
    }

    /// <summary>
    /// Steps <paramref name="distributed"/> (at step 0) and a fresh in-process trainer (seed 21, float64) on the same layout with
    /// one batch of <paramref name="batchSeed"/>; asserts the losses (1e-12) and weights (relative 1e-9) agree. Returns the distributed step.
    /// </summary>
    public static async Task<DistributedStepResult> FirstStepMatchesInProcessAsync(DistributedTrainer distributed, ScheduleKind schedule, int batchSeed)
    {
        var layout = distributed.Layout;
        using var reference = PipelineFixtures.Model(seed: 21, ScalarType.Float64);
        using var inProcess = PipelineTrainer.Create(reference, layout, PipelineFixtures.Options(schedule));
        var (x, y) = PipelineFixtures.Batch(layout.Problem.BatchSize, batchSeed, ScalarType.Float64);
        DistributedStepResult actual;
        using (x)
        using (y)
        {
            var expected = inProcess.Step(x, y);
            actual = await distributed.StepAsync(x, y);
            Assert.Equal(expected.Loss, actual.Loss, 1e-12);
        }
        AssertSameWeights(WeightsOf(reference), WeightsOf(await distributed.GetWeightsAsync()), relative: 1e-9);
        return actual;
    }

    /// <summary>The parameters of a model by (layer index, name in the layer), as doubles.</summary>
    public static Dictionary<(int Layer, string Name), double[]> WeightsOf(ISplitModel model)
    {
        using var scope = torch.NewDisposeScope();
        var weights = new Dictionary<(int, string), double[]>();
        for (var layer = 0; layer < model.LayerCount; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters())
                weights[(layer, name)] = parameter.to_type(ScalarType.Float64).data<double>().ToArray();
        return weights;
    }

    public static Dictionary<(int Layer, string Name), double[]> WeightsOf(IReadOnlyDictionary<(int Layer, string Name), Tensor> tensors)
    {
        using var scope = torch.NewDisposeScope();
        var weights = tensors.ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.Float64).data<double>().ToArray());
        foreach (var tensor in tensors.Values) tensor.Dispose();
        return weights;
    }

    /// <summary>Every weight equal to a relative tolerance (scaled by the tensor's largest weight for weights near zero); returns how many.</summary>
    public static int AssertSameWeights(Dictionary<(int Layer, string Name), double[]> expected, Dictionary<(int Layer, string Name), double[]> actual, double relative)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        var compared = 0;
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            Assert.Equal(e.Length, a.Length);
            var floor = e.Max(Math.Abs) * 1e-3;
            for (var i = 0; i < e.Length; i++)
            {
                var tolerance = relative * Math.Max(Math.Abs(e[i]), floor);
                Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"layer {key.Layer} {key.Name}[{i}]: distributed {a[i]} vs in-process {e[i]}");
                compared++;
            }
        }
        return compared;
    }
}

/// <summary>A log provider that keeps every message, for tests that check what a worker logged.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines, categoryName);

    public void Dispose() { }

    private sealed class Logger(ConcurrentQueue<string> lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
