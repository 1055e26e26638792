using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using HopSplit.Distributed.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HopSplit.Distributed;

/// <summary>
/// A worker process's server: hosts the stages a coordinator assigns and runs them for it over gRPC
/// (Kestrel, HTTP/2). The model code is the application's: it passes a <see cref="SplitModelFactory"/>.
/// </summary>
public sealed class StageWorkerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorkerState _state;
    private bool _disposed;

    private StageWorkerHost(WebApplication app, WorkerState state, Uri address)
    {
        _app = app;
        _state = state;
        Address = address;
    }

    /// <summary>The address the worker listens on (with the real port when port 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>Starts a worker and returns once it listens.</summary>
    /// <exception cref="ArgumentException">The listen address is not an http://host:port URL.</exception>
    public static async Task<StageWorkerHost> StartAsync(SplitModelFactory factory, StageWorkerHostOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (options.ConfigureLogging is { } configure) configure(builder.Logging);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // HTTP/2 only: gRPC without TLS needs prior knowledge of HTTP/2.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2);
            Http2Windows.Configure(kestrel.Limits.Http2);
            if (options.Certificate is { } certificate)
            {
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificate = certificate;
                    if (options.ClientCertificateAuthority is not { } authority) return;
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (client, _, _) => MutualTls.IssuedBy(client, authority);
                });
            }
        });
        builder.WebHost.UseUrls(options.Listen.GetLeftPart(UriPartial.Authority));
        // The slim builder leaves HTTPS out unless asked for.
        if (options.Certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        // Larger receive buffers for tensors (LargeBlockMemoryPool says why).
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();
        var state = new WorkerState(factory, options);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(options.Token);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<TokenAuthInterceptor>();
            // The largest chunk any peer may send plus its header; frames themselves are bounded by MaxFrameBytes.
            grpc.MaxReceiveMessageSize = StageWorkerHostOptions.MaxMessageBytes;
            grpc.MaxSendMessageSize = StageWorkerHostOptions.MaxMessageBytes;
        });
        var app = builder.Build();
        app.MapGrpcService<StageService>();
        try
        {
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }
        return new StageWorkerHost(app, state, new Uri(app.Urls.First()));
    }

    /// <summary>
    /// Runs a worker until the process is stopped (Ctrl+C or SIGTERM): what a user's app calls for its
    /// worker command. <paramref name="started"/> hears the address once it listens.
    /// </summary>
    public static async Task RunAsync(SplitModelFactory factory, StageWorkerHostOptions options, Action<Uri>? started = null,
        CancellationToken cancellation = default)
    {
        await using var host = await StartAsync(factory, options, cancellation).ConfigureAwait(false);
        started?.Invoke(host.Address);
        await host.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Completes when the host is told to stop (Ctrl+C, SIGTERM, or <paramref name="cancellation"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => _app.WaitForShutdownAsync(cancellation);

    private static void CheckOptions(StageWorkerHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Listen);
        ArgumentNullException.ThrowIfNull(options.Token);
        var tls = options.Listen.Scheme == Uri.UriSchemeHttps;
        if (!(tls || options.Listen.Scheme == Uri.UriSchemeHttp) || !options.Listen.IsAbsoluteUri || options.Listen.AbsolutePath != "/")
            throw new ArgumentException($"the listen address {options.Listen} must be http://host:port (HTTP/2 without TLS) or https://host:port (with a certificate)");
        if (tls && options.Certificate is null)
            throw new ArgumentException($"the listen address {options.Listen} is https: give the worker's certificate (StageWorkerHostOptions.Certificate) or listen on http://");
        if (!tls && (options.Certificate is not null || options.ClientCertificateAuthority is not null))
            throw new ArgumentException($"a certificate is given but the listen address {options.Listen} is http://; use https://host:port for TLS");
        if (options.MaxFrameBytes < 1) throw new ArgumentException($"MaxFrameBytes is {options.MaxFrameBytes}; it must be positive");
        if (options.ChunkBytes < 1 || options.ChunkBytes > StageWorkerHostOptions.MaxChunkBytes)
            throw new ArgumentException($"ChunkBytes is {options.ChunkBytes}; it must be between 1 and 4 MiB");
    }

    /// <summary>Stops the server and releases every hosted segment.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _state.Dispose();
    }
}
