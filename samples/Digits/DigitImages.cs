namespace HopSplit.Samples.Digits;

/// <summary>
/// A set of 28 x 28 grayscale digit images with their labels: what both the synthetic generator and the
/// MNIST reader produce. Pixels are in [0, 1], image after image, row after row (N x 1 x 28 x 28).
/// </summary>
public sealed class DigitImages
{
    /// <summary>Height and width of every image in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels of one image.</summary>
    public const int PixelsPerImage = Side * Side;

    /// <summary>The number of classes (the digits 0 to 9).</summary>
    public const int Classes = 10;

    /// <param name="pixels">Count x 784 values in [0, 1].</param>
    /// <param name="labels">One digit 0-9 per image.</param>
    public DigitImages(float[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * PixelsPerImage)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * PixelsPerImage} pixels, got {pixels.Length}", nameof(pixels));
        var badLabel = Array.FindIndex(labels, l => l >= Classes);
        if (badLabel >= 0)
            throw new ArgumentException($"label {labels[badLabel]} at index {badLabel} is not a digit 0-9", nameof(labels));
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Count x 784 pixel values in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>The digit shown by each image.</summary>
    public byte[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The 784 pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
}
