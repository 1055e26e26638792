using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed;

/// <summary>One tensor on the wire: its header and its little-endian payload (all chunks joined).</summary>
public sealed record TensorFrame(FrameHeader Header, byte[] Payload)
{
    /// <summary>True for the empty frame (no tensor), the first segment's answer to a backward.</summary>
    public bool IsEmpty => Header.Dtype == DType.None;

    /// <summary>The empty frame for <paramref name="stage"/>.</summary>
    public static TensorFrame Empty(long step, int microBatch, int microBatches, int stage) => new(
        new FrameHeader { Step = step, MicroBatch = microBatch, MicroBatches = microBatches, Stage = stage, Dtype = DType.None },
        Array.Empty<byte>());

    /// <summary>The same tensor addressed to another stage (the coordinator relays frames from one segment to the next).</summary>
    public TensorFrame For(int stage)
    {
        var header = Header.Clone();
        header.Stage = stage;
        header.Loss = 0;
        return this with { Header = header };
    }
}
