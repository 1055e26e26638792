using HopSplit.Distributed.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Distributed;

/// <summary>Turns CPU tensors into frames and back (float32, float64 and int64; little-endian, as x64 and arm64 are).</summary>
public static class TensorCodec
{
    /// <summary>The bytes one element of <paramref name="dtype"/> takes, or 0 for an unknown dtype.</summary>
    public static int ElementSize(DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        _ => 0,
    };

    /// <summary>The wire dtype of a tensor's scalar type.</summary>
    /// <exception cref="ArgumentException">The type has no wire dtype.</exception>
    public static DType WireType(ScalarType type) => type switch
    {
        ScalarType.Float32 => DType.Float32,
        ScalarType.Float64 => DType.Float64,
        ScalarType.Int64 => DType.Int64,
        _ => throw new ArgumentException($"tensors of {type} cannot be sent: the wire carries float32, float64 and int64", nameof(type)),
    };

    /// <summary>The scalar type of a wire dtype.</summary>
    public static ScalarType ScalarTypeOf(DType dtype) => dtype switch
    {
        DType.Float32 => ScalarType.Float32,
        DType.Float64 => ScalarType.Float64,
        DType.Int64 => ScalarType.Int64,
        _ => throw new ArgumentException($"dtype {dtype} has no tensor type", nameof(dtype)),
    };

    /// <summary>A frame holding a copy of <paramref name="tensor"/>'s values; the header's addressing fields are the caller's.</summary>
    public static TensorFrame ToFrame(Tensor tensor, long step, int microBatch, int microBatches, int stage)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var dtype = WireType(tensor.dtype);
        using var scope = NewDisposeScope(); // the detached and contiguous copies
        var contiguous = tensor.detach().cpu().contiguous();
        // One copy of the storage's bytes (element-wise accessors such as data<T>().ToArray() are far slower), into an
        // array the runtime need not zero first since the copy fills it.
        var storage = contiguous.bytes;
        var payload = GC.AllocateUninitializedArray<byte>(storage.Length);
        storage.CopyTo(payload);
        var header = new FrameHeader
        {
            Step = step, MicroBatch = microBatch, MicroBatches = microBatches, Stage = stage, Dtype = dtype, ByteLength = payload.Length,
        };
        header.Shape.AddRange(tensor.shape);
        return new TensorFrame(header, payload);
    }

    /// <summary>A new tensor with the frame's values (the frame must have passed <see cref="FrameRules.CheckTensor"/>).</summary>
    public static Tensor ToTensor(TensorFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var type = ScalarTypeOf(frame.Header.Dtype);
        var tensor = empty(frame.Header.Shape.ToArray(), type);
        tensor.bytes = frame.Payload; // one copy into the new tensor's storage
        return tensor;
    }
}
