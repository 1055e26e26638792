using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed;

/// <summary>
/// What makes a frame well formed, checked before anything is allocated or changed. A violation is an
/// <see cref="RpcException"/> with <see cref="StatusCode.InvalidArgument"/> whose message names the field.
/// </summary>
public static class FrameRules
{
    /// <summary>Checks a header's tensor description (dtype known, dimensions positive, byte length consistent and under the limit).</summary>
    public static void CheckTensor(FrameHeader header, long maxFrameBytes)
    {
        ArgumentNullException.ThrowIfNull(header);
        var elementSize = TensorCodec.ElementSize(header.Dtype);
        if (elementSize == 0) throw Invalid($"dtype: {header.Dtype} is not a tensor dtype (float32, float64 or int64)");
        long elements = 1;
        for (var i = 0; i < header.Shape.Count; i++)
        {
            var dimension = header.Shape[i];
            if (dimension < 1) throw Invalid($"shape: dimension {i} is {dimension}; every dimension must be positive");
            // Saturate rather than overflow: anything above the limit is refused below anyway.
            elements = elements > maxFrameBytes / dimension ? maxFrameBytes + 1 : elements * dimension;
        }
        var expected = elements > maxFrameBytes ? long.MaxValue : elements * elementSize;
        if (expected > maxFrameBytes)
            throw Invalid($"shape: [{string.Join(", ", header.Shape)}] of {header.Dtype} is larger than the {maxFrameBytes}-byte frame limit");
        if (header.ByteLength != expected)
            throw Invalid($"byte_length: {header.ByteLength} bytes declared but shape [{string.Join(", ", header.Shape)}] of {header.Dtype} takes {expected}");
    }

    /// <summary>Checks the addressing fields every request frame carries.</summary>
    public static void CheckAddress(FrameHeader header)
    {
        if (header.Step < 0) throw Invalid($"step: {header.Step} is negative");
        if (header.MicroBatches < 1) throw Invalid($"micro_batches: {header.MicroBatches}; a step has at least one micro-batch");
        if (header.MicroBatch < 0 || header.MicroBatch >= header.MicroBatches)
            throw Invalid($"micro_batch: {header.MicroBatch} is outside 0..{header.MicroBatches - 1}");
    }

    /// <summary>An InvalidArgument status with <paramref name="message"/>.</summary>
    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
