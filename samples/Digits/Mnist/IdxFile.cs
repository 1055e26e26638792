using System.Buffers.Binary;
using System.IO.Compression;

namespace HopSplit.Samples.Digits.Mnist;

/// <summary>The images of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads MNIST's IDX files, plain or gzip-compressed (recognised by content, not by name). Images: magic
/// 0x00000803, then big-endian int32 count, rows and columns, then the unsigned pixel bytes. Labels: magic
/// 0x00000801, the count, then one byte per label. Every error names the file and says what is wrong.
/// </summary>
public static class IdxFile
{
    /// <summary>The magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an IDX image file, or its data does not match its header.</exception>
    public static IdxImages ReadImages(string path)
    {
        var bytes = ReadAllBytes(path);
        var header = Header(path, bytes, ImagesMagic, "an image file", dimensions: 3);
        var (count, rows, columns) = (header[0], header[1], header[2]);
        var pixels = Data(path, bytes, headerBytes: 16, (long)count * rows * columns, $"{count} images of {rows} x {columns} pixels");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an IDX label file, or its data does not match its header.</exception>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAllBytes(path);
        var count = Header(path, bytes, LabelsMagic, "a label file", dimensions: 1)[0];
        return Data(path, bytes, headerBytes: 8, count, $"{count} labels");
    }

    private static byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var raw = File.ReadAllBytes(path);
        if (raw is not [0x1f, 0x8b, ..]) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: starts like gzip but does not decompress ({e.Message})", e);
        }
    }

    private static int[] Header(string path, byte[] bytes, int magic, string kind, int dimensions)
    {
        var headerBytes = 4 + 4 * dimensions;
        if (bytes.Length < 4)
            throw new InvalidDataException($"{path}: truncated: {bytes.Length} bytes, too short for the IDX magic number");
        var actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (actual != magic)
            throw new InvalidDataException($"{path}: bad magic number 0x{actual:X8}, expected 0x{magic:X8} for {kind}");
        if (bytes.Length < headerBytes)
            throw new InvalidDataException($"{path}: truncated: {bytes.Length} bytes, the header of {kind} has {headerBytes}");
        var sizes = new int[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (sizes[d] < 0) throw new InvalidDataException($"{path}: dimension {d} is negative ({sizes[d]})");
        }
        return sizes;
    }

    private static byte[] Data(string path, byte[] bytes, int headerBytes, long expected, string what)
    {
        var actual = bytes.Length - headerBytes;
        if (actual < expected)
            throw new InvalidDataException($"{path}: truncated: the header announces {what} ({expected} bytes) but {actual} follow");
        if (actual > expected)
            throw new InvalidDataException($"{path}: {actual - expected} bytes after the {what} the header announces");
        return bytes.AsSpan(headerBytes).ToArray();
    }
}
