using System.Net;
using System.Net.Sockets;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// The baseline of the transport benchmark: a plain TCP connection on loopback whose far end sends back every
/// byte it receives. A round trip writes a buffer and reads the same number of bytes back, with no framing.
/// </summary>
internal sealed class SocketEcho : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly Task _server;
    private readonly CancellationTokenSource _stop;

    private SocketEcho(TcpListener listener, TcpClient client, Task server, CancellationTokenSource stop)
    {
        _listener = listener;
        _stop = stop;
        _client = client;
        _stream = client.GetStream();
        _server = server;
    }

    public static async Task<SocketEcho> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptTcpClientAsync();
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var far = await accepted;
        far.NoDelay = true;
        var stop = new CancellationTokenSource();
        return new SocketEcho(listener, client, Task.Run(() => EchoAsync(far, stop.Token)), stop);
    }

    private static async Task EchoAsync(TcpClient far, CancellationToken stop)
    {
        using (far)
        {
            var stream = far.GetStream();
            var buffer = new byte[1 << 20];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, stop)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read), stop);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The benchmark is over.
            }
        }
    }

    /// <summary>Sends <paramref name="payload"/> and reads as many bytes back into <paramref name="received"/>.</summary>
    public async Task RoundTripAsync(byte[] payload, byte[] received)
    {
        var send = _stream.WriteAsync(payload).AsTask();
        await _stream.ReadExactlyAsync(received);
        await send;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        try
        {
            await _server;
        }
        catch (ObjectDisposedException)
        {
        }
        _listener.Stop();
        _stop.Dispose();
    }
}
