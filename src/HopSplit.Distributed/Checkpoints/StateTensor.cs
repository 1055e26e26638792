using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Checkpoints;

/// <summary>One tensor of a training state as plain bytes (row-major, little-endian), so checkpoints need no libtorch.</summary>
/// <param name="DType">float32, float64 or int64.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Payload">product(Shape) times the element size bytes.</param>
public sealed record StateTensor(DType DType, IReadOnlyList<long> Shape, byte[] Payload)
{
    /// <summary>The same tensor as a frame (its header describes dtype, shape and byte length).</summary>
    internal TensorFrame ToFrame()
    {
        var header = new FrameHeader { Dtype = DType, ByteLength = Payload.Length };
        header.Shape.AddRange(Shape);
        return new TensorFrame(header, Payload);
    }

    internal static StateTensor FromFrame(TensorFrame frame) => new(frame.Header.Dtype, frame.Header.Shape.ToArray(), frame.Payload);

    /// <summary>The values as doubles (for tests and comparisons).</summary>
    public double[] ToDoubles() => DType switch
    {
        DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Payload).ToArray().Select(v => (double)v).ToArray(),
        DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(Payload).ToArray(),
        DType.Int64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(Payload).ToArray().Select(v => (double)v).ToArray(),
        _ => [],
    };
}
