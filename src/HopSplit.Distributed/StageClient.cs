using Grpc.Core;
using Grpc.Net.Client;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Transport;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed;

/// <summary>The coordinator's (or, with direct routing, a neighbouring worker's) end of one worker: every call carries the token and a deadline; frames go in chunks.</summary>
public sealed class StageClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Protocol.StageService.StageServiceClient _client;
    private readonly Metadata _headers;
    private readonly StageClientOptions _options;

    /// <summary>A client of the worker at <paramref name="address"/> (http://host:port).</summary>
    public StageClient(Uri address, SharedToken token, StageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(token);
        _options = options ?? new StageClientOptions();
        if (_options.ChunkBytes < 1 || _options.ChunkBytes > StageWorkerHostOptions.MaxChunkBytes)
            throw new ArgumentException($"StageClientOptions.ChunkBytes is {_options.ChunkBytes}; it must be between 1 and 4 MiB", nameof(options));
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = Handler(_options),
            // Any chunk size a worker may send, not only the coordinator's own.
            MaxReceiveMessageSize = StageWorkerHostOptions.MaxMessageBytes,
            MaxSendMessageSize = StageWorkerHostOptions.MaxMessageBytes,
            // A worker that is starting, or coming back after a failure, is tried again within a second, not gRPC's default of up to two minutes.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
        _client = new Protocol.StageService.StageServiceClient(_channel);
        _headers = new Metadata { { "authorization", token.HeaderValue } };
    }

    // HTTP/2 windows for tensors; with TLS, the client certificate and the authority the worker's certificate must come from.
    private static SocketsHttpHandler Handler(StageClientOptions options)
    {
        var handler = Http2Windows.ClientHandler();
        if (options.ClientCertificate is { } certificate) handler.SslOptions.ClientCertificates = [certificate];
        if (options.ServerCertificateAuthority is { } authority) handler.SslOptions.RemoteCertificateValidationCallback = MutualTls.ServerValidator(authority);
        return handler;
    }

    /// <summary>The worker's address.</summary>
    public Uri Address { get; }

    /// <summary>Hosts a segment on the worker.</summary>
    public async Task<AssignReply> AssignAsync(AssignRequest request, CancellationToken cancellation) =>
        await _client.AssignAsync(request, Options(cancellation)).ConfigureAwait(false);

    /// <summary>Runs a forward on the worker.</summary>
    public Task<TensorFrame> ForwardAsync(TensorFrame frame, CancellationToken cancellation) => ExchangeAsync(_client.Forward(Options(cancellation)), frame, cancellation);

    /// <summary>Runs a backward on the worker.</summary>
    public Task<TensorFrame> BackwardAsync(TensorFrame frame, CancellationToken cancellation) => ExchangeAsync(_client.Backward(Options(cancellation)), frame, cancellation);

    /// <summary>Hands a frame to a segment on the worker for a later header-only forward or backward (direct routing: workers call each other).</summary>
    public async Task DeliverAsync(TensorFrame frame, CancellationToken cancellation)
    {
        using var call = _client.Deliver(Options(cancellation));
        try
        {
            await FrameStream.WriteAsync(call.RequestStream, frame, _options.ChunkBytes, cancellation).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The worker refused the frame before reading all of it: its status says why.
        }
        await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until a segment has delivered every frame of a step's run to its neighbours (direct routing); what each send
    /// measured. No deadline: it lasts as long as the step, and each send has its own; the caller cancels it on abort.
    /// </summary>
    public async Task<IReadOnlyList<SentFrame>> FlushAsync(int stage, long step, long run, int microBatches, CancellationToken cancellation) =>
        (await _client.FlushAsync(new FlushRequest { Stage = stage, Step = step, Run = run, MicroBatches = microBatches }, new CallOptions(_headers, cancellationToken: cancellation))
            .ConfigureAwait(false)).Sent;

    /// <summary>Steps a segment's optimizer.</summary>
    public async Task<long> StepAsync(int stage, long step, CancellationToken cancellation) =>
        (await _client.StepAsync(new StepRequest { Stage = stage, Step = step }, Options(cancellation)).ConfigureAwait(false)).NextStep;

    /// <summary>A segment's parameters.</summary>
    public async Task<WeightsReply> GetWeightsAsync(int stage, CancellationToken cancellation) =>
        await _client.GetWeightsAsync(new WeightsRequest { Stage = stage }, Options(cancellation)).ConfigureAwait(false);

    /// <summary>A segment's training state (parameters and momentum buffers) and the step it is at.</summary>
    public async Task<(long Step, Dictionary<StateKey, StateTensor> Tensors)> GetStateAsync(int stage, CancellationToken cancellation)
    {
        using var call = _client.GetState(new StateRequest { Stage = stage }, Options(cancellation));
        var (_, step, tensors) = await StateStream.ReadAsync(call.ResponseStream, _options.MaxFrameBytes, cancellation).ConfigureAwait(false);
        return (step, tensors);
    }

    /// <summary>Restores a segment's training state and moves it to <paramref name="step"/>.</summary>
    public async Task<int> SetStateAsync(int stage, long step, IEnumerable<KeyValuePair<StateKey, StateTensor>> tensors, CancellationToken cancellation)
    {
        using var call = _client.SetState(Options(cancellation));
        await StateStream.WriteAsync(call.RequestStream, stage, step, tensors, _options.ChunkBytes, cancellation).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return (await call.ResponseAsync.ConfigureAwait(false)).Tensors;
    }

    /// <summary>Whether the worker answers within <paramref name="timeout"/>; the stages it hosts when it does.</summary>
    public async Task<IReadOnlyList<int>> PingAsync(TimeSpan timeout, CancellationToken cancellation) =>
        (await _client.PingAsync(new PingRequest(), new CallOptions(_headers, DateTime.UtcNow + timeout, cancellation)).ConfigureAwait(false)).Stages;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a worker that refuses connections (one started together with the
    /// coordinator may not listen yet), pinging it with <paramref name="pingTimeout"/>. True once it answers (a refused
    /// token is an answer, as for <see cref="Heartbeat"/>); false when the time is up or it fails in another way, which the next call then reports.
    /// </summary>
    public async Task<bool> WaitUntilListeningAsync(TimeSpan timeout, TimeSpan pingTimeout, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await PingAsync(pingTimeout, cancellation).ConfigureAwait(false);
                return true;
            }
            catch (RpcException e) when (Heartbeat.IsAnswer(e))
            {
                return true;
            }
            catch (RpcException e) when (IsConnectionRefused(e) && clock.Elapsed + ListenPollInterval < timeout && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(ListenPollInterval, cancellation).ConfigureAwait(false);
            }
            catch (RpcException) when (!cancellation.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    private static readonly TimeSpan ListenPollInterval = TimeSpan.FromMilliseconds(100);

    // Nothing listens at the address (yet): the socket's connect was refused.
    private static bool IsConnectionRefused(RpcException e)
    {
        if (e.StatusCode != StatusCode.Unavailable) return false;
        for (var inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }) return true;
        return false;
    }

    private CallOptions Options(CancellationToken cancellation) => new(_headers, DateTime.UtcNow + _options.CallTimeout, cancellation);

    private async Task<TensorFrame> ExchangeAsync(AsyncDuplexStreamingCall<FrameChunk, FrameChunk> call, TensorFrame frame, CancellationToken cancellation)
    {
        using (call)
        {
            try
            {
                await FrameStream.WriteAsync(call.RequestStream, frame, _options.ChunkBytes, cancellation).ConfigureAwait(false);
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The worker refused the frame before reading all of it: its status says why.
            }
            return await FrameStream.ReadAsync(call.ResponseStream, _options.MaxFrameBytes, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _channel.Dispose();
}

/// <summary>Limits of a <see cref="StageClient"/>.</summary>
public sealed class StageClientOptions
{
    /// <summary>Payload bytes per chunk of the frames the coordinator sends.</summary>
    public int ChunkBytes { get; init; } = StageWorkerHostOptions.DefaultChunkBytes;

    /// <summary>The largest frame the coordinator accepts from a worker.</summary>
    public int MaxFrameBytes { get; init; } = StageWorkerHostOptions.DefaultMaxFrameBytes;

    /// <summary>With https:// workers: the coordinator's certificate (with its private key), for workers that require one.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; init; }

    /// <summary>With https:// workers: the authority (CA certificate) their certificates must be issued by, instead of the machine's trust store.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificateAuthority { get; init; }

    /// <summary>The deadline of every call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
