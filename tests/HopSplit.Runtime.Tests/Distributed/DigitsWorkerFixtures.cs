using HopSplit.Distributed;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>`digits worker` processes on free loopback ports sharing a token file; disposing kills them and deletes the file.</summary>
internal sealed class DigitsWorkerGroup : IDisposable
{
    private readonly List<DigitsWorkerProcessTests.WorkerProcess> _workers = new();

    private DigitsWorkerGroup(string tokenFile) => TokenFile = tokenFile;

    public string TokenFile { get; }

    public IReadOnlyList<DigitsWorkerProcessTests.WorkerProcess> Workers => _workers;

    /// <summary>Starts <paramref name="count"/> workers (with <paramref name="extra"/> arguments each) and returns once all listen.</summary>
    public static async Task<DigitsWorkerGroup> StartAsync(int count, params string[] extra)
    {
        var group = new DigitsWorkerGroup(Path.Combine(Path.GetTempPath(), $"hopsplit-token-{Guid.NewGuid():N}"));
        try
        {
            await File.WriteAllTextAsync(group.TokenFile, DistributedFixtures.Token.Value + "\n");
            var started = Enumerable.Range(0, count).Select(_ => DigitsWorkerProcessTests.WorkerProcess.StartAsync(DigitsWorkerProcessTests.DigitsApplication, group.TokenFile, extra)).ToArray();
            try
            {
                await Task.WhenAll(started);
            }
            finally
            {
                group._workers.AddRange(started.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>Node id to worker address, the i-th node on the i-th worker.</summary>
    public Dictionary<string, Uri> Assign(params string[] nodes) => nodes.Select((n, i) => (n, _workers[i].Address)).ToDictionary(p => p.n, p => p.Address);

    public void Dispose()
    {
        foreach (var worker in _workers) worker.Dispose();
        File.Delete(TokenFile);
    }
}

/// <summary>
/// The in-process run the Digits process tests compare with: DigitNet from the workers' initial weights, trained by
/// <see cref="PipelineTrainer"/> on the same plan, batches and SGD settings (learning rate 0.05, momentum 0.9).
/// </summary>
internal sealed class DigitsReference : IDisposable
{
    public const double LearningRate = 0.05;
    public const double Momentum = 0.9;

    private readonly PipelineTrainer _trainer;

    public DigitsReference(IReadOnlyDictionary<(int Layer, string Name), Tensor> initialWeights, PipelineLayout layout, ScheduleKind schedule)
    {
        Model = new DigitNet();
        LoadWeights(Model, initialWeights);
        _trainer = PipelineTrainer.Create(Model, layout, new PipelineTrainerOptions
        {
            CreateOptimizer = parameters => torch.optim.SGD(parameters, LearningRate, momentum: Momentum),
            Schedule = schedule,
            Emulation = NetworkEmulation.None,
        });
    }

    public DigitNet Model { get; }

    /// <summary>Copies <paramref name="weights"/> (by layer and parameter name) into <paramref name="model"/>.</summary>
    public static void LoadWeights(ISplitModel model, IReadOnlyDictionary<(int Layer, string Name), Tensor> weights)
    {
        using var noGrad = torch.no_grad();
        for (var layer = 0; layer < model.LayerCount; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters())
                parameter.copy_(weights[(layer, name)]);
    }

    /// <summary>Synthetic digits, <paramref name="batches"/> mini-batches of <paramref name="batchSize"/>, from <paramref name="seed"/>.</summary>
    public static (Tensor Images, Tensor Labels) Data(int batchSize, int batches, int seed) => DigitTensors.ToTensors(SyntheticDigits.Generate(batchSize * batches, seed));

    /// <summary>
    /// Steps <paramref name="distributed"/> and the in-process trainer on each mini-batch of the data, checks the losses agree
    /// (1e-5: float32), hands each step to <paramref name="check"/> and finally checks the weights agree (relative 1e-4).
    /// Returns how many weights were compared.
    /// </summary>
    public async Task<int> TrainBothAndCompareAsync(DistributedTrainer distributed, int batchSize, int steps, int dataSeed,
        Action<int, DistributedStepResult, double> check)
    {
        var (images, labels) = Data(batchSize, steps, dataSeed);
        using (images)
        using (labels)
        {
            for (var step = 0; step < steps; step++)
            {
                using var x = images.narrow(0, step * batchSize, batchSize);
                using var y = labels.narrow(0, step * batchSize, batchSize);
                var expected = _trainer.Step(x, y);
                var actual = await distributed.StepAsync(x, y);
                check(step, actual, expected.Loss);
                Assert.Equal(expected.Loss, actual.Loss, 1e-5);
            }
        }
        return SameWeightsAs(await distributed.GetWeightsAsync());
    }

    /// <summary>Trains the reference alone on the data's first <paramref name="steps"/> mini-batches.</summary>
    public void Train(Tensor images, Tensor labels, int batchSize, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            using var x = images.narrow(0, step * batchSize, batchSize);
            using var y = labels.narrow(0, step * batchSize, batchSize);
            _trainer.Step(x, y);
        }
    }

    /// <summary>Asserts <paramref name="weights"/> equal the reference's (float32: relative 1e-4) and disposes them; returns how many were compared.</summary>
    public int SameWeightsAs(IReadOnlyDictionary<(int Layer, string Name), Tensor> weights) =>
        DistributedFixtures.AssertSameWeights(DistributedFixtures.WeightsOf(Model), DistributedFixtures.WeightsOf(weights), relative: 1e-4);

    public void Dispose()
    {
        _trainer.Dispose();
        Model.Dispose();
    }
}
