using Grpc.Core;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Transport;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// A worker's end of the route to a neighbouring segment (direct routing): sends a frame to the neighbour's worker and
/// measures the send. With emulation the frame carries the hops' modeled time, hop after hop (store and forward, each
/// hop bits over bandwidth plus latency), and the receiver holds it that long from the call's start before it may run
/// and before it acknowledges, so the measured time is never below what the emulated network would take.
/// </summary>
internal sealed class PeerLink(StageClient client, Peer peer)
{
    /// <summary>The neighbour's stage index.</summary>
    public int Stage => peer.Stage;

    /// <summary>Frames that may wait to be sent (the schedule's most micro-batches in flight at the sending segment).</summary>
    public int OutboxFrames => Math.Max(1, peer.OutboxFrames);

    /// <summary>Sends <paramref name="frame"/> as the neighbour's input (or gradient); returns the payload bytes and the seconds the send took.</summary>
    /// <exception cref="RpcException">The neighbour refused the frame or cannot be reached; the status says so and names the neighbour.</exception>
    public async Task<(long Bytes, double Seconds)> SendAsync(TensorFrame frame, bool gradient, CancellationToken cancellation)
    {
        var addressed = frame.For(peer.Stage);
        addressed.Header.Gradient = gradient;
        addressed.Header.ComputeSeconds = 0;
        addressed.Header.ModeledSeconds = peer.Emulate ? ModeledSeconds(frame.Payload.LongLength) : 0;
        var clock = new StepTimeline();
        try
        {
            await client.DeliverAsync(addressed, cancellation).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new RpcException(new Status(e.StatusCode, $"{Sending(frame, gradient)}: {e.Status.Detail}"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // The connection itself failed (e.g. the neighbour's TLS handshake refused this worker's certificate).
            throw new RpcException(new Status(StatusCode.Unavailable, $"{Sending(frame, gradient)}: {e.Message}"));
        }
        return (frame.Payload.LongLength, clock.Now);
    }

    /// <summary>What a send is, for its errors: the kind of frame, the micro-batch, and the neighbour.</summary>
    public string Sending(TensorFrame frame, bool gradient) =>
        $"sending the {(gradient ? "gradient" : "output")} of micro-batch {frame.Header.MicroBatch} to stage {peer.Stage} on worker {client.Address}";

    /// <summary>The hops' modeled time for a frame of <paramref name="bytes"/>: each hop holds it for its bits over the bandwidth plus the latency.</summary>
    public double ModeledSeconds(long bytes) => peer.Hops.Sum(h => bytes * 8.0 / h.BitsPerSecond + h.LatencySeconds);
}
