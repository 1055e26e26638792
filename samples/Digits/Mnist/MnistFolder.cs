namespace HopSplit.Samples.Digits.Mnist;

/// <summary>Which half of MNIST to read.</summary>
public enum MnistSplit
{
    /// <summary>train-images-idx3-ubyte and train-labels-idx1-ubyte (60,000 images).</summary>
    Train,

    /// <summary>t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (10,000 images).</summary>
    Test,
}

/// <summary>
/// Loads MNIST from a folder holding its four IDX files under their usual names, each either plain or with
/// a .gz suffix (what <c>--mnist DIR</c> reads). Checks that the images are 28 x 28, that there is one
/// label per image and that every label is a digit.
/// </summary>
public static class MnistFolder
{
    /// <summary>The file names of a split without the optional .gz suffix.</summary>
    public static (string Images, string Labels) FileNames(MnistSplit split) => split switch
    {
        MnistSplit.Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        MnistSplit.Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing under both names.</exception>
    /// <exception cref="InvalidDataException">A file is broken, or the two files do not belong together.</exception>
    public static DigitImages Load(string directory, MnistSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such folder (expected the MNIST IDX files)");
        var (imagesName, labelsName) = FileNames(split);
        var imagesPath = Find(directory, imagesName);
        var labelsPath = Find(directory, labelsName);
        var images = IdxFile.ReadImages(imagesPath);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (images.Rows != DigitImages.Side || images.Columns != DigitImages.Side)
            throw new InvalidDataException($"{imagesPath}: images are {images.Rows} x {images.Columns} pixels, expected {DigitImages.Side} x {DigitImages.Side}");
        if (images.Count != labels.Length)
            throw new InvalidDataException($"{imagesPath} has {images.Count} images but {labelsPath} has {labels.Length} labels");
        var badLabel = Array.FindIndex(labels, l => l >= DigitImages.Classes);
        if (badLabel >= 0)
            throw new InvalidDataException($"{labelsPath}: label {labels[badLabel]} at index {badLabel} is not a digit 0-9");
        // Bytes 0..255 to the [0, 1] range the synthetic data uses.
        var pixels = Array.ConvertAll(images.Pixels, b => b / 255f);
        return new DigitImages(pixels, labels);
    }

    private static string Find(string directory, string name)
    {
        var plain = Path.Combine(directory, name);
        if (File.Exists(plain)) return plain;
        var gzip = plain + ".gz";
        if (File.Exists(gzip)) return gzip;
        throw new FileNotFoundException($"{directory}: neither {name} nor {name}.gz is there", plain);
    }
}
