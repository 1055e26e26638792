using Google.Protobuf;
using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Checkpoints;

/// <summary>
/// Sends a segment's state as <see cref="StateChunk"/>s and reads it back: each tensor's first chunk carries its key and
/// header, the payload follows in chunks no larger than the message limit allows (a tensor may exceed one message).
/// </summary>
internal static class StateStream
{
    public static async Task WriteAsync(IAsyncStreamWriter<StateChunk> writer, int stage, long step, IEnumerable<KeyValuePair<StateKey, StateTensor>> tensors,
        int chunkBytes, CancellationToken cancellation)
    {
        // A marker first, so a segment without parameters still names its stage and step.
        await writer.WriteAsync(new StateChunk { Stage = stage, Step = step }, cancellation).ConfigureAwait(false);
        foreach (var (key, tensor) in tensors)
        {
            var frame = tensor.ToFrame();
            var offset = 0;
            do
            {
                cancellation.ThrowIfCancellationRequested();
                var length = Math.Min(chunkBytes, frame.Payload.Length - offset);
                var chunk = new StateChunk { Stage = stage, Step = step, Data = ByteString.CopyFrom(frame.Payload, offset, length) };
                if (offset == 0)
                {
                    chunk.Layer = key.Layer;
                    chunk.Name = key.Name;
                    chunk.Slot = key.Slot;
                    chunk.Header = frame.Header;
                }
                await writer.WriteAsync(chunk, cancellation).ConfigureAwait(false);
                offset += length;
            }
            while (offset < frame.Payload.Length);
        }
    }

    /// <summary>Reads every tensor of the stream; a malformed stream is refused with InvalidArgument naming the field.</summary>
    public static async Task<(int Stage, long Step, Dictionary<StateKey, StateTensor> Tensors)> ReadAsync(IAsyncStreamReader<StateChunk> reader,
        long maxTensorBytes, CancellationToken cancellation)
    {
        var tensors = new Dictionary<StateKey, StateTensor>();
        int? stage = null;
        long step = 0;
        StateKey? key = null;
        FrameHeader? header = null;
        byte[] payload = [];
        var received = 0;
        void Finish()
        {
            if (key is null) return;
            if (received != payload.Length)
                throw FrameRules.Invalid($"byte_length: {key} declares {payload.Length} bytes but its chunks carry {received}");
            if (!tensors.TryAdd(key.Value, new StateTensor(header!.Dtype, header.Shape.ToArray(), payload)))
                throw FrameRules.Invalid($"name: {key} is sent twice");
        }
        while (await reader.MoveNext(cancellation).ConfigureAwait(false))
        {
            var chunk = reader.Current;
            if (stage is null)
            {
                stage = chunk.Stage;
                step = chunk.Step;
            }
            else if (chunk.Stage != stage || chunk.Step != step)
                throw FrameRules.Invalid($"stage: every chunk of a state must name the same stage and step ({stage}, {step}), not ({chunk.Stage}, {chunk.Step})");
            if (chunk.Header is not null)
            {
                Finish();
                if (chunk.Layer < 0 || chunk.Name.Length == 0) throw FrameRules.Invalid($"layer: a state tensor needs a layer (not {chunk.Layer}) and a name");
                FrameRules.CheckTensor(chunk.Header, maxTensorBytes);
                key = new StateKey(chunk.Layer, chunk.Name, chunk.Slot);
                header = chunk.Header;
                payload = new byte[header.ByteLength];
                received = 0;
            }
            else if (key is null)
            {
                if (chunk.Data.IsEmpty) continue; // the stage marker
                throw FrameRules.Invalid("header: the first chunk of a state tensor must carry its header");
            }
            if (received + chunk.Data.Length > payload.Length)
                throw FrameRules.Invalid($"byte_length: the chunks of {key} carry more than the {payload.Length} bytes its header declares");
            chunk.Data.Span.CopyTo(payload.AsSpan(received));
            received += chunk.Data.Length;
        }
        Finish();
        if (step < 0) throw FrameRules.Invalid($"step: {step} is negative");
        return (stage ?? -1, step, tensors);
    }
}
