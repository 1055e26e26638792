using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits.Training;

/// <summary>The share of images a model classifies correctly.</summary>
public static class Accuracy
{
    /// <summary>Runs the model on <paramref name="data"/> in batches, without gradients, and counts the right answers.</summary>
    public static double Of(nn.Module<Tensor, Tensor> model, DigitImages data, int batchSize = 500)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (images, labels) = DigitTensors.ToTensors(data);
        long correct = 0;
        for (var start = 0; start < data.Count; start += batchSize)
        {
            using var batchScope = torch.NewDisposeScope();
            var count = Math.Min(batchSize, data.Count - start);
            var predicted = model.forward(images.narrow(0, start, count)).argmax(1);
            correct += predicted.eq(labels.narrow(0, start, count)).sum().item<long>();
        }
        return (double)correct / data.Count;
    }
}
