namespace HopSplit.Samples.Digits.Synthetic;

/// <summary>
/// The sample's built-in dataset: digits drawn from pen strokes with a random handwriting style per image
/// (size, width, slant, rotation, position, pen width, ink), wobbly strokes and pixel noise. Learnable by a
/// small CNN, yet no two images alike. The same count and seed always give the same images.
/// </summary>
public static class SyntheticDigits
{
    /// <summary>How far each stroke point may wander, as a fraction of the glyph box.</summary>
    private const float Wobble = 0.025f;

    /// <summary>Standard deviation of the Gaussian noise added to every pixel.</summary>
    private const float NoiseSigma = 0.1f;

    /// <summary>
    /// <paramref name="count"/> images whose labels are as balanced as the count allows (every digit
    /// count / 10 times, the first count % 10 digits once more), in a random order fixed by <paramref name="seed"/>.
    /// </summary>
    public static DigitImages Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var labels = BalancedLabels(count, random);
        var pixels = new float[count * DigitImages.PixelsPerImage];
        for (var i = 0; i < count; i++)
            Draw(pixels.AsSpan(i * DigitImages.PixelsPerImage, DigitImages.PixelsPerImage), labels[i], random);
        return new DigitImages(pixels, labels);
    }

    private static byte[] BalancedLabels(int count, Random random)
    {
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % DigitImages.Classes)).ToArray();
        random.Shuffle(labels);
        return labels;
    }

    private static void Draw(Span<float> image, int digit, Random random)
    {
        var style = HandwritingStyle.Sample(random);
        var strokes = DigitGlyphs.Of(digit)
            .Select(stroke => stroke.Select(point =>
            {
                var wobble = new System.Numerics.Vector2(
                    HandwritingStyle.Uniform(random, -Wobble, Wobble), HandwritingStyle.Uniform(random, -Wobble, Wobble));
                return style.ToPixels(point + wobble);
            }).ToArray());
        StrokeRenderer.Draw(image, strokes, style.PenRadius);
        for (var p = 0; p < image.Length; p++)
            image[p] = Math.Clamp(image[p] * style.Ink + NoiseSigma * Gaussian(random), 0, 1);
    }

    // Box-Muller: System.Random has no normal distribution of its own.
    private static float Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
