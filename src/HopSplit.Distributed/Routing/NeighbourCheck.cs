using Grpc.Core;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Routing;

/// <summary>
/// Direct routing: a worker assigned a neighbour pings it before it takes the segment, so a neighbour it cannot reach
/// (another token, a refused TLS handshake, an address only the coordinator reaches) fails the assignment with what to
/// fix instead of failing a step later. The coordinator's message adds which worker and stage it was.
/// </summary>
internal static class NeighbourCheck
{
    /// <summary>How long the ping may take: a neighbour that listens answers within milliseconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Pings the neighbour through <paramref name="client"/>; a failure becomes FailedPrecondition naming the neighbour and the flag to add.</summary>
    public static async Task RequireReachableAsync(StageClient client, Peer peer, string side, StageClientOptions? peerClient, CancellationToken cancellation)
    {
        try
        {
            await client.PingAsync(Timeout, cancellation).ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellation.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                Explain(client.Address, peer.Stage, side, e.StatusCode, e.Status.Detail, peerClient?.ClientCertificate is not null, peerClient?.ServerCertificateAuthority is not null)));
        }
    }

    /// <summary>One line: the neighbour, the failure and what to change on this worker.</summary>
    public static string Explain(Uri neighbour, int stage, string side, StatusCode status, string detail, bool hasCertificate, bool hasAuthority)
    {
        var failure = $"{side}: this worker cannot reach its neighbour, stage {stage} on worker {neighbour} ({status}: {detail.ReplaceLineEndings(" ").TrimEnd('.')})";
        if (status is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            return failure + "; the neighbour was started with another token: give every worker the same --token-file";
        if (neighbour.Scheme != Uri.UriSchemeHttps)
            return failure + "; with direct routing workers must reach each other at the addresses the coordinator uses (or train with --routing relay)";
        var fix = (hasCertificate, hasAuthority) switch
        {
            (false, false) => "it presents no client certificate: start this worker with --peer-cert FILE (and --peer-key FILE) issued by the CA of the neighbour's --client-ca, and --peer-ca FILE when a private CA issued the neighbour's certificate",
            (false, true) => "it presents no client certificate: start this worker with --peer-cert FILE (and --peer-key FILE) issued by the CA of the neighbour's --client-ca",
            (true, false) => "start this worker with --peer-ca FILE when a private CA issued the neighbour's certificate, and check that --peer-cert is issued by the CA of the neighbour's --client-ca",
            (true, true) => "check that --peer-cert is issued by the CA of the neighbour's --client-ca and that --peer-ca issued the neighbour's certificate for the host it is reached at",
        };
        return $"{failure}; over TLS {fix} (StageWorkerHostOptions.PeerClient in code)";
    }
}
