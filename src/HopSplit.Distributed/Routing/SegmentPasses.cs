using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Transport;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// A forward or backward call as the worker serves it: the input from the request or (direct routing) from what the
/// neighbour delivered, waited for if it is still on its way; with emulation the pass lasts at least the node's modeled
/// time from when its input was there; with a neighbour to send to, the result goes into the segment's outbox for it
/// (sent while the next passes run) and the coordinator gets an empty frame carrying the loss, the measured compute and
/// how long the request waited for its input. A failed earlier send fails the call.
/// </summary>
internal static class SegmentPasses
{
    public static async Task<TensorFrame> ForwardAsync(HostedSegment segment, TensorFrame request, CancellationToken cancellation)
    {
        CheckModeled(request.Header);
        segment.ThrowIfSendFailed();
        var waiting = new StepTimeline();
        var input = request.Header.FromPeer ? await segment.Inbox.TakeAsync(request.Header, gradient: false, segment.Stage, cancellation).ConfigureAwait(false) : request;
        var waited = waiting.Now;
        var clock = new StepTimeline();
        return await HandOnAsync(segment.Forward(input), request.Header, segment.NextOutbox, clock, waited, cancellation).ConfigureAwait(false);
    }

    public static async Task<TensorFrame> BackwardAsync(HostedSegment segment, TensorFrame request, CancellationToken cancellation)
    {
        CheckModeled(request.Header);
        segment.ThrowIfSendFailed();
        var waiting = new StepTimeline();
        var gradient = request.Header.FromPeer ? await segment.Inbox.TakeAsync(request.Header, gradient: true, segment.Stage, cancellation).ConfigureAwait(false) : request;
        var waited = waiting.Now;
        var clock = new StepTimeline();
        return await HandOnAsync(segment.Backward(gradient), request.Header, segment.PreviousOutbox, clock, waited, cancellation).ConfigureAwait(false);
    }

    private static async Task<TensorFrame> HandOnAsync(TensorFrame result, FrameHeader request, PeerOutbox? outbox, StepTimeline clock, double waited,
        CancellationToken cancellation)
    {
        if (request.ModeledSeconds > 0) await clock.WaitUntilAsync(request.ModeledSeconds, cancellation).ConfigureAwait(false);
        if (outbox is null || result.IsEmpty)
        {
            result.Header.WaitedSeconds = waited;
            return result;
        }
        // The frame carries the coordinator's run, so the neighbour runs it only for this run of the step.
        result.Header.Run = request.Run;
        await outbox.EnqueueAsync(result, cancellation).ConfigureAwait(false);
        var header = result.Header;
        var reply = TensorFrame.Empty(header.Step, header.MicroBatch, header.MicroBatches, header.Stage);
        reply.Header.Loss = header.Loss;
        reply.Header.ComputeSeconds = header.ComputeSeconds;
        reply.Header.WaitedSeconds = waited;
        return reply;
    }

    // Checked before anything runs, like every other field.
    private static void CheckModeled(FrameHeader header)
    {
        if (!(header.ModeledSeconds >= 0 && header.ModeledSeconds <= 3600))
            throw FrameRules.Invalid($"modeled_seconds: {header.ModeledSeconds} is not a pass time (0 to 3600 seconds)");
    }
}
