using HopSplit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Tooling;

/// <summary>The share of a data set's held-out samples a trained model classifies correctly.</summary>
public static class TestAccuracy
{
    /// <summary>Accuracy and sample count on <paramref name="data"/>'s test set, or null when it has none.</summary>
    public static (double Accuracy, long Samples)? Of(ISplitModel model, ITrainingData data, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        if (data.TestSet() is not var (inputs, labels)) return null;
        var samples = inputs.shape[0];
        if (samples == 0) return null;
        var module = (nn.Module<Tensor, Tensor>)model;
        module.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < samples; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            var count = Math.Min(batchSize, samples - start);
            var predicted = module.forward(inputs.narrow(0, start, count)).argmax(1);
            correct += predicted.eq(labels.narrow(0, start, count)).sum().item<long>();
        }
        module.train();
        return ((double)correct / samples, samples);
    }
}
