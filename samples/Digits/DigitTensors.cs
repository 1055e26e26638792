using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits;

/// <summary>Turns digit images into the tensors a model trains on.</summary>
public static class DigitTensors
{
    /// <summary>
    /// Images as a float32 tensor of shape (N, 1, 28, 28) and labels as an int64 tensor of shape (N), the
    /// types <c>cross_entropy</c> takes. The caller owns both (they join the current dispose scope).
    /// </summary>
    public static (Tensor Images, Tensor Labels) ToTensors(DigitImages data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var images = torch.tensor(data.Pixels, new long[] { data.Count, 1, DigitImages.Side, DigitImages.Side });
        var labels = torch.tensor(data.Labels.Select(l => (long)l).ToArray(), new long[] { data.Count });
        return (images, labels);
    }
}
