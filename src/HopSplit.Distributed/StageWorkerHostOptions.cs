using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace HopSplit.Distributed;

/// <summary>How a worker listens, whom it serves and how large a frame it takes.</summary>
public sealed class StageWorkerHostOptions
{
    /// <summary>The largest frame (payload bytes of one tensor) a worker accepts by default: 256 MiB.</summary>
    public const int DefaultMaxFrameBytes = 256 << 20;

    /// <summary>
    /// The default payload per chunk: 64 KiB. Every chunk a peer receives becomes a new byte array (protobuf copies
    /// a bytes field on parsing); under the 85,000 bytes of .NET's large object heap these are cheap short-lived
    /// objects, while 1 MiB chunks made each a large-object allocation with fresh pages and full collections
    /// (docs/distributed.md, "Tensor throughput").
    /// </summary>
    public const int DefaultChunkBytes = 64 << 10;

    /// <summary>The largest payload per chunk either end sends (gRPC's default message limit is 4 MiB).</summary>
    public const int MaxChunkBytes = 4 << 20;

    /// <summary>
    /// The largest message either end accepts: the largest chunk plus room for its header, whatever chunk size this
    /// end sends, so that peers configured with other chunk sizes understand each other. Frames themselves are
    /// bounded by <see cref="MaxFrameBytes"/>.
    /// </summary>
    internal const int MaxMessageBytes = MaxChunkBytes + (64 << 10);

    /// <summary>Where to listen, e.g. http://127.0.0.1:5005 (HTTP/2 without TLS); port 0 picks a free port (see <see cref="StageWorkerHost.Address"/>).</summary>
    public required Uri Listen { get; init; }

    /// <summary>The token every call must carry.</summary>
    public required SharedToken Token { get; init; }

    /// <summary>Frames above this many payload bytes are refused before they are buffered.</summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>Payload bytes per chunk of the frames the worker sends.</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    /// <summary>
    /// Added to every forward and backward pass and counted as compute time: emulates a slower device (for testing
    /// re-planning when measured speeds drift from the plan). Zero by default.
    /// </summary>
    public TimeSpan ComputeDelay { get; init; }

    /// <summary>
    /// The worker's TLS certificate (with its private key). Required for an https:// <see cref="Listen"/> address,
    /// which serves gRPC over TLS; the token is still checked on every call.
    /// </summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// With TLS: the authority (CA certificate) every coordinator's client certificate must be issued by.
    /// When set, a connection without such a certificate is refused during the TLS handshake.
    /// </summary>
    public X509Certificate2? ClientCertificateAuthority { get; init; }

    /// <summary>
    /// How this worker reaches its neighbours with direct routing (<see cref="FrameRouting.Direct"/>): chunk size, call
    /// deadline and, for https:// neighbours, the client certificate and the authority their certificates must come from.
    /// Null: the worker's own chunk size and frame limit, the default deadline, no client certificate. The token is the worker's own.
    /// </summary>
    public StageClientOptions? PeerClient { get; init; }

    /// <summary>Adds or replaces log providers; by default warnings and the worker's own information go to the console.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
