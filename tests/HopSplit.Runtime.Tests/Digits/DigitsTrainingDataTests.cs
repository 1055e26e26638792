using HopSplit.Samples.Digits;
using TorchSharp;

namespace HopSplit.Runtime.Tests.Digits;

/// <summary>The sample's ITrainingData: numbered batches that repeat exactly, wrap around the training set, and a test set.</summary>
public class DigitsTrainingDataTests
{
    [Fact]
    public void Batches_are_numbered_deterministic_and_wrap_around_the_training_set()
    {
        var images = SyntheticDigitsOf(25);
        var data = new DigitsTrainingData(new DigitsDataset("tiny", images, SyntheticDigitsOf(7)));
        using var scope = torch.NewDisposeScope();

        var (x, y) = data.Batch(1, 10);
        Assert.Equal(new long[] { 10, 1, 28, 28 }, x.shape);
        Assert.Equal(torch.ScalarType.Int64, y.dtype);
        var (again, againLabels) = data.Batch(1, 10);
        Assert.True(x.eq(again).all().item<bool>());
        Assert.True(y.eq(againLabels).all().item<bool>());

        // Batch 2 of 10 holds images 20..24, then 0..4 of the 25.
        var (wrapped, wrappedLabels) = data.Batch(2, 10);
        var (all, allLabels) = DigitTensors.ToTensors(images);
        Assert.True(wrapped.narrow(0, 0, 5).eq(all.narrow(0, 20, 5)).all().item<bool>());
        Assert.True(wrapped.narrow(0, 5, 5).eq(all.narrow(0, 0, 5)).all().item<bool>());
        Assert.True(wrappedLabels.narrow(0, 5, 5).eq(allLabels.narrow(0, 0, 5)).all().item<bool>());
        Assert.False(x.eq(wrapped).all().item<bool>());

        var test = data.TestSet();
        Assert.NotNull(test);
        Assert.Equal(7, test.Value.Labels.shape[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Batch(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Batch(0, 0));
    }

    private static DigitImages SyntheticDigitsOf(int count) => HopSplit.Samples.Digits.Synthetic.SyntheticDigits.Generate(count, seed: count);
}
