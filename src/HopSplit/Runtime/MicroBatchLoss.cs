using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// The last stage's backward for one micro-batch, shared by the in-process and the distributed trainers: the
/// loss is a mean over the micro-batch, and weighting it by the micro-batch's share of the mini-batch makes
/// the summed gradients those of the mini-batch's mean loss.
/// </summary>
public static class MicroBatchLoss
{
    /// <summary>Back-propagates <paramref name="share"/> x loss(output, labels) through <paramref name="stage"/>; returns the unweighted loss.</summary>
    /// <param name="stage">The last stage, after its forward.</param>
    /// <param name="loss">A mean loss of the output and the labels.</param>
    /// <param name="labels">The micro-batch's labels.</param>
    /// <param name="share">The micro-batch's samples over the mini-batch's.</param>
    public static double Backward(ModelStage stage, Func<Tensor, Tensor, Tensor> loss, Tensor labels, double share)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var output = stage.Output ?? throw new InvalidOperationException("the loss needs the stage's forward first");
        using var scope = NewDisposeScope();
        var value = loss(output, labels);
        var result = value.ToDouble();
        (value * share).backward();
        return result;
    }
}
