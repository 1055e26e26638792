using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HopSplit.Distributed;

/// <summary>
/// HTTP/2 flow-control windows and frame sizes for tensor frames. The defaults (Kestrel: 768 KiB per stream,
/// 1 MiB per connection, 16 KiB frames; the .NET client: 64 KiB per stream, grown as it measures the round
/// trip) are made for web requests: a sender of megabytes stops every window's worth of bytes until the
/// receiver's update arrives. Windows of a few frames' size let a whole tensor flow without stalls.
/// </summary>
internal static class Http2Windows
{
    /// <summary>Bytes a stream may have in flight: a 16 MiB tensor at once.</summary>
    public const int StreamWindow = 16 << 20;

    /// <summary>Bytes a connection may have in flight: a few streams' windows (forwards and backwards share a connection).</summary>
    public const int ConnectionWindow = 4 * StreamWindow;

    /// <summary>HTTP/2 frames of up to 1 MiB instead of 16 KiB: fewer frames and writes per chunk.</summary>
    public const int MaxFrameSize = 1 << 20;

    /// <summary>The worker's (Kestrel's) side.</summary>
    public static void Configure(Http2Limits limits)
    {
        limits.InitialStreamWindowSize = StreamWindow;
        limits.InitialConnectionWindowSize = ConnectionWindow;
        limits.MaxFrameSize = MaxFrameSize;
    }

    /// <summary>The coordinator's side: a handler that grants the worker the same stream window.</summary>
    public static SocketsHttpHandler ClientHandler() => new()
    {
        InitialHttp2StreamWindowSize = StreamWindow,
        EnableMultipleHttp2Connections = true,
    };
}
