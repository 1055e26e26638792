using HopSplit.Samples.Digits.Synthetic;
using HopSplit.Training;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits;

/// <summary>
/// The built-in synthetic digits as <see cref="ITrainingData"/>, so <c>hopsplit train --assembly digits.dll</c>
/// can train DigitNet: the main job's training set (seed 1) in its generated (already shuffled) order, and its
/// test set (seed 2).
/// </summary>
public sealed class DigitsTrainingData : ITrainingData
{
    private readonly DigitImages _train;
    private readonly DigitImages _test;

    /// <summary>The synthetic training and test sets of <see cref="DigitsDataset.Load"/>.</summary>
    public DigitsTrainingData()
        : this(DigitsDataset.Load(mnistFolder: null))
    {
    }

    /// <summary>Any loaded dataset (MNIST's, for example).</summary>
    public DigitsTrainingData(DigitsDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _train = data.Train;
        _test = data.Test;
    }

    /// <summary>Images index * size ... index * size + size - 1 of the training set, wrapping around at its end.</summary>
    public (Tensor Inputs, Tensor Labels) Batch(int index, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var pixels = new float[size * DigitImages.PixelsPerImage];
        var labels = new byte[size];
        for (var k = 0; k < size; k++)
        {
            var image = (int)(((long)index * size + k) % _train.Count);
            _train.Image(image).CopyTo(pixels.AsSpan(k * DigitImages.PixelsPerImage));
            labels[k] = _train.Labels[image];
        }
        return DigitTensors.ToTensors(new DigitImages(pixels, labels));
    }

    /// <summary>The held-out images.</summary>
    public (Tensor Inputs, Tensor Labels)? TestSet() => DigitTensors.ToTensors(_test);
}
