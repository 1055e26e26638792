using HopSplit.Samples.Digits.Mnist;
using HopSplit.Samples.Digits.Synthetic;

namespace HopSplit.Samples.Digits;

/// <summary>The images the sample trains and tests on, and where they came from.</summary>
/// <param name="Description">A line for the console, e.g. "synthetic digits (seeds 1 and 2)".</param>
public sealed record DigitsDataset(string Description, DigitImages Train, DigitImages Test)
{
    /// <summary>Images in the built-in synthetic training set.</summary>
    public const int SyntheticTrainCount = 10_000;

    /// <summary>Images in the built-in synthetic test set.</summary>
    public const int SyntheticTestCount = 2_000;

    /// <summary>
    /// MNIST's IDX files from <paramref name="mnistFolder"/> when one is given; otherwise the synthetic digits
    /// (training seed 1, test seed 2, so every run sees the same data).
    /// </summary>
    /// <exception cref="IOException">The MNIST files are missing or broken (the message names the file).</exception>
    public static DigitsDataset Load(string? mnistFolder)
    {
        if (mnistFolder is null)
        {
            return new DigitsDataset("synthetic digits (seeds 1 and 2)",
                SyntheticDigits.Generate(SyntheticTrainCount, seed: 1), SyntheticDigits.Generate(SyntheticTestCount, seed: 2));
        }
        return new DigitsDataset($"MNIST from {mnistFolder}",
            MnistFolder.Load(mnistFolder, MnistSplit.Train), MnistFolder.Load(mnistFolder, MnistSplit.Test));
    }
}
