using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;

namespace HopSplit.Runtime.Tests.Digits;

public class SyntheticDigitsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_same_seed_gives_the_same_images_and_labels()
    {
        var first = SyntheticDigits.Generate(200, seed: 5);
        var second = SyntheticDigits.Generate(200, seed: 5);

        Assert.Equal(first.Labels, second.Labels);
        Assert.Equal(first.Pixels, second.Pixels);
    }

    [Fact]
    public void Different_seeds_give_different_orders_and_pixels()
    {
        var first = SyntheticDigits.Generate(200, seed: 5);
        var second = SyntheticDigits.Generate(200, seed: 6);

        Assert.NotEqual(first.Labels, second.Labels);
        // Even two images of the same digit differ: style and noise are drawn per image.
        var i = 0;
        var j = Array.IndexOf(second.Labels, first.Labels[i]);
        Assert.False(first.Image(i).SequenceEqual(second.Image(j)), "two images of the same digit are identical");
    }

    [Theory]
    [InlineData(1000, new[] { 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 })]
    [InlineData(23, new[] { 3, 3, 3, 2, 2, 2, 2, 2, 2, 2 })]
    public void Classes_are_balanced(int count, int[] expectedPerDigit)
    {
        var data = SyntheticDigits.Generate(count, seed: 1);

        var perDigit = Enumerable.Range(0, 10).Select(d => data.Labels.Count(l => l == d)).ToArray();
        Assert.Equal(expectedPerDigit, perDigit);
    }

    [Fact]
    public void Labels_are_shuffled_not_in_digit_order()
    {
        var labels = SyntheticDigits.Generate(100, seed: 1).Labels;

        Assert.NotEqual(Enumerable.Range(0, 100).Select(i => (byte)(i % 10)), labels);
    }

    [Fact]
    public void Pixels_are_in_range_and_every_image_has_ink_on_a_mostly_dark_background()
    {
        var data = SyntheticDigits.Generate(500, seed: 2);

        Assert.Equal(500 * 28 * 28, data.Pixels.Length);
        Assert.All(data.Pixels, p => Assert.InRange(p, 0f, 1f));
        for (var i = 0; i < data.Count; i++)
        {
            var image = data.Image(i).ToArray();
            var inked = image.Count(p => p > 0.5f);
            // A drawn digit covers tens of pixels, far from none and far from the whole image.
            Assert.InRange(inked, 20, 400);
        }
    }

    [Fact]
    public void Digits_are_told_apart_by_their_average_images()
    {
        // Not noise: the mean image of each digit is closer to other images of that digit than to the
        // mean images of the other digits, for most of a held-out set.
        var train = SyntheticDigits.Generate(2000, seed: 3);
        var test = SyntheticDigits.Generate(500, seed: 4);
        var means = new float[10][];
        for (var d = 0; d < 10; d++) means[d] = new float[DigitImages.PixelsPerImage];
        for (var i = 0; i < train.Count; i++)
        {
            var image = train.Image(i);
            for (var p = 0; p < image.Length; p++) means[train.Labels[i]][p] += image[p] / 200f;
        }

        var correct = Enumerable.Range(0, test.Count).Count(i =>
        {
            var image = test.Image(i).ToArray();
            var nearest = Enumerable.Range(0, 10).MinBy(d => image.Zip(means[d], (a, b) => (a - b) * (a - b)).Sum());
            return nearest == test.Labels[i];
        });

        output.WriteLine($"nearest mean image: {correct / (double)test.Count:P1} of {test.Count} held-out images");
        // A nearest-mean classifier is weak, so this only shows that the classes have structure;
        // shifts, slants and sizes keep it far from perfect (that is the CNN's job).
        Assert.InRange(correct / (double)test.Count, 0.4, 0.95);
    }

    [Fact]
    public void Zero_images_is_an_empty_set_and_a_negative_count_is_refused()
    {
        Assert.Equal(0, SyntheticDigits.Generate(0, seed: 1).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDigits.Generate(-1, seed: 1));
    }

    [Fact]
    public void Tensors_have_the_model_input_layout_and_int64_labels()
    {
        var data = SyntheticDigits.Generate(12, seed: 9);

        var (images, labels) = DigitTensors.ToTensors(data);
        using (images)
        using (labels)
        {
            Assert.Equal(new long[] { 12, 1, 28, 28 }, images.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Int64, labels.dtype);
            Assert.Equal(data.Labels.Select(l => (long)l), labels.data<long>().ToArray());
            Assert.Equal(data.Image(3)[28 * 14 + 14], images[3, 0, 14, 14].item<float>());
        }
    }
}
