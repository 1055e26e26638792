using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Transport;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// A forward or backward call as the worker serves it: the input from the request or (direct routing) from what the
/// neighbour delivered; with emulation the pass lasts at least the node's modeled time; with a neighbour to send to,
/// the result goes to it and the coordinator gets an empty frame carrying the loss and the measured compute and send.
/// </summary>
internal static class SegmentPasses
{
    public static Task<TensorFrame> ForwardAsync(HostedSegment segment, TensorFrame request, CancellationToken cancellation)
    {
        CheckModeled(request.Header);
        var clock = new StepTimeline();
        var input = request.Header.FromPeer ? segment.Inbox.Take(request.Header, gradient: false, segment.Stage) : request;
        return HandOnAsync(segment.Forward(input), request.Header, segment.Next, gradient: false, clock, cancellation);
    }

    public static Task<TensorFrame> BackwardAsync(HostedSegment segment, TensorFrame request, CancellationToken cancellation)
    {
        CheckModeled(request.Header);
        var clock = new StepTimeline();
        var gradient = request.Header.FromPeer ? segment.Inbox.Take(request.Header, gradient: true, segment.Stage) : request;
        return HandOnAsync(segment.Backward(gradient), request.Header, segment.Previous, gradient: true, clock, cancellation);
    }

    private static async Task<TensorFrame> HandOnAsync(TensorFrame result, FrameHeader request, PeerLink? peer, bool gradient, StepTimeline clock,
        CancellationToken cancellation)
    {
        if (request.ModeledSeconds > 0) await clock.WaitUntilAsync(request.ModeledSeconds, cancellation).ConfigureAwait(false);
        if (peer is null || result.IsEmpty) return result;
        var (bytes, seconds) = await peer.SendAsync(result, gradient, cancellation).ConfigureAwait(false);
        var header = result.Header;
        var reply = TensorFrame.Empty(header.Step, header.MicroBatch, header.MicroBatches, header.Stage);
        reply.Header.Loss = header.Loss;
        reply.Header.ComputeSeconds = header.ComputeSeconds;
        reply.Header.SentBytes = bytes;
        reply.Header.SentSeconds = seconds;
        return reply;
    }

    // Checked before anything runs, like every other field.
    private static void CheckModeled(FrameHeader header)
    {
        if (!(header.ModeledSeconds >= 0 && header.ModeledSeconds <= 3600))
            throw FrameRules.Invalid($"modeled_seconds: {header.ModeledSeconds} is not a pass time (0 to 3600 seconds)");
    }
}
