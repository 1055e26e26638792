using System.Collections.Concurrent;
using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// The frames a segment's neighbours delivered (direct routing), until the coordinator's header-only request runs them.
/// The coordinator asks only after the sender's call returned, which is after the delivery, so a missing frame is an error, not a wait.
/// </summary>
internal sealed class PeerInbox
{
    private readonly ConcurrentDictionary<(long Step, int MicroBatch, bool Gradient), TensorFrame> _frames = new();

    /// <summary>
    /// Keeps a delivered frame for the segment at <paramref name="currentStep"/>; a frame of another step, a second copy, or
    /// a kind of frame the segment has no neighbour to receive from (<paramref name="fromNeighbour"/> false) is refused.
    /// </summary>
    public void Put(TensorFrame frame, int stage, long currentStep, bool fromNeighbour)
    {
        var header = frame.Header;
        FrameRules.CheckAddress(header);
        if (header.Step != currentStep) throw FrameRules.Invalid($"step: stage {stage} is at step {currentStep}, the delivered frame is for step {header.Step}");
        if (!fromNeighbour)
            throw FrameRules.Invalid($"gradient: stage {stage} takes no delivered {What(header.Gradient)}s: it has no {(header.Gradient ? "next" : "previous")} worker sending to it (relayed routing, or the pipeline's {(header.Gradient ? "last" : "first")} segment)");
        if (!_frames.TryAdd((header.Step, header.MicroBatch, header.Gradient), frame))
            throw FrameRules.Invalid($"micro_batch: the {What(header.Gradient)} of micro-batch {header.MicroBatch} of step {header.Step} was already delivered to stage {stage}");
    }

    /// <summary>Takes the frame a header-only request names, or refuses with FailedPrecondition if it has not arrived.</summary>
    public TensorFrame Take(FrameHeader request, bool gradient, int stage)
    {
        FrameRules.CheckAddress(request);
        if (_frames.TryRemove((request.Step, request.MicroBatch, gradient), out var frame)) return frame;
        throw new RpcException(new Status(StatusCode.FailedPrecondition,
            $"micro_batch: no {What(gradient)} of micro-batch {request.MicroBatch} of step {request.Step} has been delivered to stage {stage}; its neighbour must send it first"));
    }

    /// <summary>Drops everything (a restored or stepped segment starts clean).</summary>
    public void Clear() => _frames.Clear();

    private static string What(bool gradient) => gradient ? "gradient" : "activation";
}
