using System.Buffers.Binary;
using System.IO.Compression;
using HopSplit.Samples.Digits.Mnist;

namespace HopSplit.Runtime.Tests.Digits;

/// <summary>The IDX reader on small files written here: plain and gzip, and every way a file can be wrong.</summary>
public sealed class IdxFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hopsplit-idx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A valid image file: magic, count, rows, columns, then pixel i of image n = (n * 7 + i) % 256.
    private static byte[] Images(int count, int rows = 28, int columns = 28, int magic = IdxFile.ImagesMagic)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (var n = 0; n < count; n++)
        {
            for (var i = 0; i < rows * columns; i++) bytes[16 + n * rows * columns + i] = (byte)((n * 7 + i) % 256);
        }
        return bytes;
    }

    private static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal)) gzip.Write(plain);
        return compressed.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertMessage(Exception error, string path, string what)
    {
        Assert.Contains(path, error.Message);
        Assert.Contains(what, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_plain_or_gzip(bool compressed)
    {
        var images = Images(3);
        var labels = Labels(7, 0, 9);
        var imagesPath = Write("images", compressed ? Gzip(images) : images);
        var labelsPath = Write("labels", compressed ? Gzip(labels) : labels);

        var read = IdxFile.ReadImages(imagesPath);

        Assert.Equal((3, 28, 28), (read.Count, read.Rows, read.Columns));
        Assert.Equal(images.AsSpan(16).ToArray(), read.Pixels);
        Assert.Equal(new byte[] { 7, 0, 9 }, IdxFile.ReadLabels(labelsPath));
    }

    [Fact]
    public void A_folder_of_gzip_files_loads_as_digit_images_scaled_to_0_1()
    {
        Write("t10k-images-idx3-ubyte.gz", Gzip(Images(2)));
        Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(4, 2)));

        var data = MnistFolder.Load(_folder, MnistSplit.Test);

        Assert.Equal(new byte[] { 4, 2 }, data.Labels);
        Assert.Equal(2 * 784, data.Pixels.Length);
        // Image 1, pixel 10 was (1 * 7 + 10) % 256 = 17.
        Assert.Equal(17 / 255f, data.Image(1)[10]);
        Assert.Equal(255 / 255f, data.Pixels.Max());
    }

    [Fact]
    public void A_folder_prefers_the_plain_file_and_reads_the_train_names()
    {
        Write("train-images-idx3-ubyte", Images(1));
        Write("train-labels-idx1-ubyte", Labels(5));
        Write("train-labels-idx1-ubyte.gz", Gzip(Labels(6)));

        Assert.Equal(new byte[] { 5 }, MnistFolder.Load(_folder, MnistSplit.Train).Labels);
    }

    [Fact]
    public void Bad_magic_names_the_file_and_both_numbers()
    {
        var path = Write("labels-as-images", Labels(1, 2));

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));

        AssertMessage(error, path, "bad magic number 0x00000801, expected 0x00000803");
    }

    [Fact]
    public void A_file_shorter_than_the_magic_is_truncated()
    {
        var path = Write("tiny", [0, 0, 8]);

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path)), path, "truncated: 3 bytes");
    }

    [Fact]
    public void A_truncated_header_is_reported()
    {
        var path = Write("short-header", Images(1).AsSpan(0, 10).ToArray());

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path)), path, "the header of an image file has 16");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_pixels_are_reported_with_what_the_header_announces(bool compressed)
    {
        var images = Images(2);
        var cut = images.AsSpan(0, images.Length - 100).ToArray();
        var path = Write("cut", compressed ? Gzip(cut) : cut);

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));

        AssertMessage(error, path, "truncated: the header announces 2 images of 28 x 28 pixels (1568 bytes) but 1468 follow");
    }

    [Fact]
    public void Truncated_labels_are_reported()
    {
        var labels = Labels(1, 2, 3);
        var path = Write("cut-labels", labels.AsSpan(0, labels.Length - 1).ToArray());

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path)), path, "announces 3 labels (3 bytes) but 2 follow");
    }

    [Fact]
    public void Bytes_after_the_announced_data_are_reported()
    {
        var path = Write("long-labels", [.. Labels(1, 2), 9, 9]);

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path)), path, "2 bytes after the 2 labels");
    }

    [Fact]
    public void A_negative_dimension_is_reported()
    {
        var bytes = Images(0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), -28);
        var path = Write("negative", bytes);

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path)), path, "dimension 1 is negative (-28)");
    }

    [Fact]
    public void A_broken_gzip_file_is_reported()
    {
        var compressed = Gzip(Images(1));
        compressed.AsSpan(10, 40).Fill(0xff);
        var path = Write("broken.gz", compressed);

        AssertMessage(Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path)), path, "starts like gzip but does not decompress");
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_folder, "absent");

        AssertMessage(Assert.Throws<FileNotFoundException>(() => IdxFile.ReadLabels(path)), path, "no such file");
    }

    [Fact]
    public void A_count_mismatch_between_images_and_labels_names_both_files()
    {
        var images = Write("train-images-idx3-ubyte", Images(3));
        var labels = Write("train-labels-idx1-ubyte", Labels(1, 2));

        var error = Assert.Throws<InvalidDataException>(() => MnistFolder.Load(_folder, MnistSplit.Train));

        Assert.Contains($"{images} has 3 images but {labels} has 2 labels", error.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_are_refused()
    {
        var images = Write("train-images-idx3-ubyte", Images(2, rows: 20, columns: 20));
        Write("train-labels-idx1-ubyte", Labels(1, 2));

        var error = Assert.Throws<InvalidDataException>(() => MnistFolder.Load(_folder, MnistSplit.Train));

        AssertMessage(error, images, "images are 20 x 20 pixels, expected 28 x 28");
    }

    [Fact]
    public void A_label_that_is_not_a_digit_is_refused()
    {
        Write("train-images-idx3-ubyte", Images(2));
        var labels = Write("train-labels-idx1-ubyte", Labels(3, 12));

        var error = Assert.Throws<InvalidDataException>(() => MnistFolder.Load(_folder, MnistSplit.Train));

        AssertMessage(error, labels, "label 12 at index 1 is not a digit 0-9");
    }

    [Fact]
    public void A_missing_file_in_the_folder_names_both_names_tried()
    {
        Write("train-images-idx3-ubyte", Images(1));

        var error = Assert.Throws<FileNotFoundException>(() => MnistFolder.Load(_folder, MnistSplit.Train));

        AssertMessage(error, _folder, "neither train-labels-idx1-ubyte nor train-labels-idx1-ubyte.gz is there");
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var folder = Path.Combine(_folder, "nope");

        AssertMessage(Assert.Throws<DirectoryNotFoundException>(() => MnistFolder.Load(folder, MnistSplit.Test)), folder, "no such folder");
    }
}
