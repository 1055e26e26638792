using System.Diagnostics;
using System.Runtime.InteropServices;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Profiling;

/// <summary>How long and how carefully to measure.</summary>
public sealed record ProfilerOptions
{
    /// <summary>Passes run and thrown away first (libtorch allocates and picks kernels on the first ones).</summary>
    public int WarmUp { get; init; } = 3;

    /// <summary>Measured passes per layer; the median is kept.</summary>
    public int Repeats { get; init; } = 15;
}

/// <summary>
/// Measures every layer of a model on this machine: forward and backward seconds per sample, output size
/// and parameters. Each layer runs alone on the previous layer's real output, so times are the layer's own.
/// The machine's FLOP/s on a dense matrix product turns seconds into FLOPs a planner can scale.
/// </summary>
public static class LayerProfiler
{
    /// <summary>Profiles <paramref name="model"/> on <paramref name="batch"/> (samples first, of the model's input shape).</summary>
    /// <param name="model">The model (the generator implements <see cref="ISplitModel"/>).</param>
    /// <param name="costs">The model's generated cost table (<c>Model.Costs</c>): it names the model and its layers.</param>
    /// <param name="batch">A batch of real or realistic samples.</param>
    /// <param name="options">Warm-up and repeats; defaults when null.</param>
    public static ModelProfile Profile(ISplitModel model, ModelCosts costs, Tensor batch, ProfilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(batch);
        options ??= new ProfilerOptions();
        if (options.Repeats < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Repeats, "Repeats must be at least 1");
        if (model.LayerCount != costs.LayerCount)
            throw new ArgumentException($"the model has {model.LayerCount} layers but the cost table '{costs.Name}' has {costs.LayerCount}", nameof(costs));
        var samples = checked((int)batch.shape[0]);
        var machineFlops = MeasureMachineFlops();
        var layers = new List<LayerProfile>(model.LayerCount);
        using var scope = NewDisposeScope();
        var input = batch.detach();
        for (var i = 0; i < model.LayerCount; i++)
        {
            var (forward, backward, output) = MeasureLayer(model.Layer(i), input, i > 0, options);
            var parameters = model.Layer(i).parameters().Sum(p => p.numel());
            layers.Add(new LayerProfile(i, costs.Layers[i].Name, forward / samples, backward / samples,
                forward / samples * machineFlops, backward / samples * machineFlops, output.numel() / samples, parameters));
            input = output;
        }
        var description = $"{RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, libtorch {torch.get_num_threads()} threads";
        return new ModelProfile(costs.Name, description, machineFlops, samples, batch.numel() / samples, layers);
    }

    /// <summary>FLOP/s of this machine on a 256 x 256 matrix product (2 n^3 FLOPs), the median of several runs.</summary>
    public static double MeasureMachineFlops()
    {
        const int n = 256;
        using var scope = NewDisposeScope();
        var a = rand(n, n);
        var b = rand(n, n);
        for (var i = 0; i < 3; i++) a.matmul(b).Dispose();
        var seconds = new double[9];
        for (var i = 0; i < seconds.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            for (var k = 0; k < 4; k++) a.matmul(b).Dispose();
            seconds[i] = watch.Elapsed.TotalSeconds / 4;
        }
        Array.Sort(seconds);
        return 2.0 * n * n * n / seconds[seconds.Length / 2];
    }

    /// <summary>Median forward and backward seconds of one layer on <paramref name="input"/>, and its output.</summary>
    private static (double Forward, double Backward, Tensor Output) MeasureLayer(nn.Module layer, Tensor input, bool inputNeedsGradient, ProfilerOptions options)
    {
        var module = (nn.Module<Tensor, Tensor>)layer;
        var forward = new List<double>(options.Repeats);
        var backward = new List<double>(options.Repeats);
        for (var r = 0; r < options.WarmUp + options.Repeats; r++)
        {
            using var pass = NewDisposeScope();
            var x = inputNeedsGradient ? input.detach().requires_grad_(true) : input;
            var watch = Stopwatch.StartNew();
            var y = module.forward(x);
            var forwardSeconds = watch.Elapsed.TotalSeconds;
            var gradient = ones_like(y);
            double backwardSeconds = 0;
            // A first layer without parameters (a leading activation) has nothing to back-propagate into.
            if (y.requires_grad)
            {
                watch.Restart();
                y.backward(new[] { gradient });
                backwardSeconds = watch.Elapsed.TotalSeconds;
            }
            if (r < options.WarmUp) continue;
            forward.Add(forwardSeconds);
            backward.Add(backwardSeconds);
        }
        layer.zero_grad();
        Tensor output;
        using (no_grad())
            output = module.forward(input).detach();
        return (Median.Of(forward), Median.Of(backward), output);
    }
}
