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
    /// The dataset the command line asks for: <c>--mnist DIR</c> reads MNIST's IDX files from DIR, and without it
    /// the synthetic digits are generated (training seed 1, test seed 2, so every run sees the same data).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown argument, or --mnist without a folder.</exception>
    /// <exception cref="IOException">The MNIST files are missing or broken (the message names the file).</exception>
    public static DigitsDataset FromArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return new DigitsDataset("synthetic digits (seeds 1 and 2)",
                SyntheticDigits.Generate(SyntheticTrainCount, seed: 1), SyntheticDigits.Generate(SyntheticTestCount, seed: 2));
        }
        if (args[0] != "--mnist") throw new ArgumentException($"unknown argument '{args[0]}'; usage: digits [--mnist DIR]");
        if (args.Count != 2) throw new ArgumentException("usage: digits [--mnist DIR] (--mnist takes one folder)");
        var folder = args[1];
        return new DigitsDataset($"MNIST from {folder}", MnistFolder.Load(folder, MnistSplit.Train), MnistFolder.Load(folder, MnistSplit.Test));
    }
}
