using System.Threading.Channels;
using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// The frames a segment has computed for one neighbour and not yet delivered (direct routing): sent one at a time, in the
/// order they were computed, while the segment runs its next passes; as a link carries one frame after another while the
/// node computes the next micro-batch. The queue is bounded (<see cref="PeerLink.OutboxFrames"/>): a pass that finds it
/// full waits for room, so memory stays bounded. A failed send is kept and fails every later pass and the flush, naming
/// the neighbour and the micro-batch; the frames after it are dropped.
/// </summary>
internal sealed class PeerOutbox : IAsyncDisposable
{
    private readonly PeerLink _link;
    private readonly bool _gradient;
    private readonly object _gate = new();
    private readonly List<(long Run, long Step, SentFrame Sent)> _sent = new();
    private Channel<TensorFrame> _queue;
    private CancellationTokenSource _stop = new();
    private Task _sender;
    private RpcException? _failure;
    private int _pending;
    private TaskCompletionSource _changed = NewSignal();

    /// <param name="link">The route to the neighbour.</param>
    /// <param name="gradient">True for input gradients to the previous segment, false for outputs to the next one.</param>
    public PeerOutbox(PeerLink link, bool gradient)
    {
        _link = link;
        _gradient = gradient;
        _queue = NewQueue();
        _sender = SendAllAsync(_queue.Reader, _stop.Token);
    }

    /// <summary>Frames queued or being sent.</summary>
    public int Pending
    {
        get { lock (_gate) return _pending; }
    }

    /// <summary>Throws the failure of an earlier send, if any.</summary>
    public void ThrowIfFailed()
    {
        lock (_gate)
            if (_failure is not null) throw _failure;
    }

    /// <summary>Queues <paramref name="frame"/> (its header names step, micro-batch and run), waiting while the outbox is full.</summary>
    public async Task EnqueueAsync(TensorFrame frame, CancellationToken cancellation)
    {
        Channel<TensorFrame> queue;
        lock (_gate)
        {
            if (_failure is not null) throw _failure;
            queue = _queue;
            _pending++;
        }
        try
        {
            await queue.Writer.WriteAsync(frame, cancellation).ConfigureAwait(false);
        }
        catch
        {
            Finished();
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="frames"/> frames of <paramref name="run"/> (step <paramref name="step"/>) were delivered and
    /// returns what each send measured, forgetting them; throws the failure of a send instead.
    /// </summary>
    public async Task<IReadOnlyList<SentFrame>> FlushAsync(long step, long run, int frames, CancellationToken cancellation)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_failure is not null) throw _failure;
                if (_sent.Count(s => s.Run == run && s.Step == step) >= frames)
                {
                    var mine = _sent.Where(s => s.Run == run && s.Step == step).Select(s => s.Sent).ToArray();
                    _sent.RemoveAll(s => s.Run == run);
                    return mine;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drops every queued frame, cancels the send under way and waits for it to stop, and forgets failures and measurements:
    /// a restored segment starts a new run with an empty outbox, and nothing of the old run is sent after this returns.
    /// </summary>
    public async Task ResetAsync()
    {
        Task sender;
        CancellationTokenSource stop;
        lock (_gate)
        {
            _queue.Writer.TryComplete();
            (sender, stop) = (_sender, _stop);
        }
        // Outside the lock: cancelling may run the sender's continuation on this thread.
        await stop.CancelAsync().ConfigureAwait(false);
        await sender.ConfigureAwait(false);
        lock (_gate)
        {
            _stop.Dispose();
            _stop = new CancellationTokenSource();
            _queue = NewQueue();
            _sender = SendAllAsync(_queue.Reader, _stop.Token);
            _failure = null;
            _pending = 0;
            _sent.Clear();
        }
    }

    private async Task SendAllAsync(ChannelReader<TensorFrame> queue, CancellationToken stop)
    {
        try
        {
            await foreach (var frame in queue.ReadAllAsync(stop).ConfigureAwait(false))
            {
                bool failed;
                lock (_gate) failed = _failure is not null;
                SentFrame? sent = null;
                try
                {
                    if (failed) continue; // dropped: the step has failed already
                    var (bytes, seconds) = await _link.SendAsync(frame, _gradient, stop).ConfigureAwait(false);
                    sent = new SentFrame { MicroBatch = frame.Header.MicroBatch, Gradient = _gradient, Bytes = bytes, Seconds = seconds };
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    lock (_gate)
                        _failure ??= e as RpcException ?? new RpcException(new Status(StatusCode.Internal, $"{_link.Sending(frame, _gradient)}: {e.Message}"));
                }
                finally
                {
                    Finished(sent is null ? null : (frame.Header.Run, frame.Header.Step, sent));
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Reset or disposed: the queued frames are dropped.
        }
    }

    // One frame fewer pending (sent, failed, dropped after a failure, or never queued); wakes the flushes. A sent frame is
    // counted in the same lock, so a flush that sees it delivered also sees it no longer pending (Step checks that).
    private void Finished((long Run, long Step, SentFrame Sent)? sent = null)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (sent is { } done) _sent.Add(done);
            _pending--;
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private Channel<TensorFrame> NewQueue() => Channel.CreateBounded<TensorFrame>(new BoundedChannelOptions(_link.OutboxFrames)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        lock (_gate) _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sender.ConfigureAwait(false);
        _stop.Dispose();
    }
}
