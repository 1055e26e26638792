using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// The frames a segment's neighbours delivered (direct routing), until the coordinator's header-only request runs them.
/// The neighbours send from their outboxes while they compute on, so a request may come before its frame: it waits for it.
/// Frames are kept by the coordinator's run of the step, so a frame of an aborted run that lands late is never run.
/// </summary>
internal sealed class PeerInbox
{
    private readonly object _gate = new();
    private readonly Dictionary<Key, TensorFrame> _frames = new();
    private readonly Dictionary<Key, TaskCompletionSource<TensorFrame>> _waiting = new();
    private readonly HashSet<Key> _taken = new();

    private readonly record struct Key(long Run, long Step, int MicroBatch, bool Gradient);

    /// <summary>
    /// Refuses a delivery that cannot be for the segment at <paramref name="currentStep"/>: a frame of another step, or a
    /// kind of frame the segment has no neighbour to receive from (<paramref name="fromNeighbour"/> false).
    /// </summary>
    public static void Check(FrameHeader header, int stage, long currentStep, bool fromNeighbour)
    {
        FrameRules.CheckAddress(header);
        if (header.Step != currentStep) throw FrameRules.Invalid($"step: stage {stage} is at step {currentStep}, the delivered frame is for step {header.Step}");
        if (!fromNeighbour)
            throw FrameRules.Invalid($"gradient: stage {stage} takes no delivered {What(header.Gradient)}s: it has no {(header.Gradient ? "next" : "previous")} worker sending to it (relayed routing, or the pipeline's {(header.Gradient ? "last" : "first")} segment)");
    }

    /// <summary>Keeps a delivered frame (checked with <see cref="Check"/>) or hands it to the request waiting for it; a second copy is refused.</summary>
    public void Put(TensorFrame frame, int stage, long currentStep, bool fromNeighbour)
    {
        var header = frame.Header;
        Check(header, stage, currentStep, fromNeighbour);
        var key = new Key(header.Run, header.Step, header.MicroBatch, header.Gradient);
        TaskCompletionSource<TensorFrame>? waiter;
        lock (_gate)
        {
            if (_frames.ContainsKey(key) || _taken.Contains(key))
                throw FrameRules.Invalid($"micro_batch: the {What(header.Gradient)} of micro-batch {header.MicroBatch} of step {header.Step} was already delivered to stage {stage}");
            if (_waiting.Remove(key, out waiter)) _taken.Add(key);
            else _frames[key] = frame;
        }
        waiter?.TrySetResult(frame);
    }

    /// <summary>
    /// Takes the frame a header-only request names, waiting for it to arrive (until the call is cancelled or its deadline
    /// passes); a second request for a frame already taken is refused with FailedPrecondition.
    /// </summary>
    public async Task<TensorFrame> TakeAsync(FrameHeader request, bool gradient, int stage, CancellationToken cancellation)
    {
        FrameRules.CheckAddress(request);
        var key = new Key(request.Run, request.Step, request.MicroBatch, gradient);
        TaskCompletionSource<TensorFrame> waiter;
        lock (_gate)
        {
            if (_taken.Contains(key) || _waiting.ContainsKey(key))
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"micro_batch: the {What(gradient)} of micro-batch {request.MicroBatch} of step {request.Step} was already asked for at stage {stage}"));
            if (_frames.Remove(key, out var frame))
            {
                _taken.Add(key);
                return frame;
            }
            waiter = new TaskCompletionSource<TensorFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[key] = waiter;
        }
        try
        {
            return await waiter.Task.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate) _waiting.Remove(key);
            throw;
        }
    }

    /// <summary>Drops everything (a restored or stepped segment starts clean); requests still waiting are cancelled.</summary>
    public void Clear()
    {
        TaskCompletionSource<TensorFrame>[] waiting;
        lock (_gate)
        {
            waiting = _waiting.Values.ToArray();
            _waiting.Clear();
            _frames.Clear();
            _taken.Clear();
        }
        foreach (var waiter in waiting) waiter.TrySetCanceled();
    }

    private static string What(bool gradient) => gradient ? "gradient" : "activation";
}
