using static TorchSharp.torch;

namespace HopSplit.Distributed.Recovery;

/// <summary>
/// The training data as a function of the step: batch <c>index</c> must be the same every time it is asked for, so
/// that steps after a checkpoint can be replayed after a failure and give the weights of a run that never failed.
/// </summary>
public interface IBatchSource
{
    /// <summary>Inputs and labels of mini-batch <paramref name="index"/> (0, 1, ...); the trainer disposes them.</summary>
    (Tensor Inputs, Tensor Labels) Batch(long index);
}

/// <summary>An <see cref="IBatchSource"/> from a function.</summary>
public sealed class BatchSource(Func<long, (Tensor Inputs, Tensor Labels)> batchOf) : IBatchSource
{
    /// <inheritdoc />
    public (Tensor Inputs, Tensor Labels) Batch(long index) => batchOf(index);
}
