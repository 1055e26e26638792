using static TorchSharp.torch;

namespace HopSplit.Training;

/// <summary>
/// Training data an application gives to tools such as <c>hopsplit train</c>: the tool finds the class in the
/// built application (a public class with a public parameterless constructor), asks it for mini-batches by
/// number and, when it has one, tests the trained model on its held-out set.
/// </summary>
/// <remarks>
/// Batches must be deterministic: the same index and size always give the same samples, so a run can be
/// repeated and a coordinator and an in-process run see the same data.
/// </remarks>
public interface ITrainingData
{
    /// <summary>
    /// Mini-batch number <paramref name="index"/> (0, 1, 2, ...) of <paramref name="size"/> samples: inputs batch
    /// first in the model's input shape, and labels (class indices, int64) of shape [size]. The caller owns and
    /// disposes both tensors.
    /// </summary>
    (Tensor Inputs, Tensor Labels) Batch(int index, int size);

    /// <summary>
    /// Held-out inputs and labels to measure accuracy on after training (the caller owns and disposes them), or
    /// null when there is none.
    /// </summary>
    (Tensor Inputs, Tensor Labels)? TestSet();
}
