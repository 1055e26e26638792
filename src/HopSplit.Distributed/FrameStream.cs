using Google.Protobuf;
using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed;

/// <summary>Sends a frame as chunks and reassembles one, refusing malformed or oversized frames before buffering them.</summary>
public static class FrameStream
{
    /// <summary>Writes <paramref name="frame"/>: the header with the first chunk, then at most <paramref name="chunkBytes"/> per chunk.</summary>
    public static async Task WriteAsync(IAsyncStreamWriter<FrameChunk> writer, TensorFrame frame, int chunkBytes, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var offset = 0;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var length = Math.Min(chunkBytes, frame.Payload.Length - offset);
            // No copy: a frame's payload is never changed once built, and the chunk is written before the next is cut.
            var chunk = new FrameChunk { Data = UnsafeByteOperations.UnsafeWrap(frame.Payload.AsMemory(offset, length)) };
            if (offset == 0) chunk.Header = frame.Header;
            await writer.WriteAsync(chunk, cancellation).ConfigureAwait(false);
            offset += length;
        }
        while (offset < frame.Payload.Length);
    }

    /// <summary>
    /// Reads one frame. The first chunk must carry the header; a tensor header is checked (dtype, shape,
    /// byte length, <paramref name="maxFrameBytes"/>) before its payload is buffered, and the chunks must add up
    /// to exactly its byte length.
    /// </summary>
    public static async Task<TensorFrame> ReadAsync(IAsyncStreamReader<FrameChunk> reader, long maxFrameBytes, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!await reader.MoveNext(cancellation).ConfigureAwait(false)) throw FrameRules.Invalid("header: the frame has no chunks");
        var header = reader.Current.Header ?? throw FrameRules.Invalid("header: the first chunk of a frame must carry the header");
        if (header.Dtype == DType.None)
        {
            if (header.Shape.Count != 0 || header.ByteLength != 0 || !reader.Current.Data.IsEmpty)
                throw FrameRules.Invalid("dtype: an empty frame (dtype none) has no shape and no payload");
            if (await reader.MoveNext(cancellation).ConfigureAwait(false)) throw FrameRules.Invalid("byte_length: an empty frame has a single chunk");
            return new TensorFrame(header, Array.Empty<byte>());
        }
        FrameRules.CheckTensor(header, maxFrameBytes);
        // Not zeroed: every byte is overwritten by a chunk, and a frame whose chunks fall short is refused below.
        var payload = GC.AllocateUninitializedArray<byte>(checked((int)header.ByteLength));
        var received = 0L;
        var chunk = reader.Current;
        while (true)
        {
            if (received + chunk.Data.Length > payload.Length)
                throw FrameRules.Invalid($"byte_length: the chunks carry more than the {payload.Length} bytes the header declares");
            chunk.Data.Span.CopyTo(payload.AsSpan((int)received));
            received += chunk.Data.Length;
            if (!await reader.MoveNext(cancellation).ConfigureAwait(false)) break;
            chunk = reader.Current;
            if (chunk.Header is not null) throw FrameRules.Invalid("header: only the first chunk of a frame carries a header");
        }
        if (received != payload.Length)
            throw FrameRules.Invalid($"byte_length: the header declares {payload.Length} bytes but the chunks carry {received}");
        return new TensorFrame(header, payload);
    }
}
