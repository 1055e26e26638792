using System.Reflection;
using HopSplit.Distributed;
using HopSplit.Distributed.Transport;
using HopSplit.Runtime;
using TorchSharp;

namespace HopSplit.Tooling;

/// <summary>
/// <c>hopsplit worker</c>: hosts the stages a coordinator assigns, of a [SplitModel] class in a compiled
/// application (built from the seed the coordinator sends), until Ctrl+C, SIGTERM or cancellation.
/// </summary>
/// <remarks>Called by reflection inside the application's load context; only framework types cross.</remarks>
public static class StageWorkerTool
{
    /// <summary>The line a worker prints once it listens, followed by its address.</summary>
    public const string ListeningPrefix = "hopsplit worker listening on ";

    /// <summary>Serves until stopped.</summary>
    /// <param name="assembly">The application.</param>
    /// <param name="model">The [SplitModel] class, or null for the only one.</param>
    /// <param name="listen">http://HOST:PORT, or https://HOST:PORT with a certificate (port 0 picks a free port).</param>
    /// <param name="tokenFile">The file holding the shared token.</param>
    /// <param name="torchThreads">libtorch's intra-op threads.</param>
    /// <param name="tlsCertificate">--tls-cert: the worker's certificate (PEM, or PKCS#12 with its key), or null for plain HTTP/2.</param>
    /// <param name="tlsKey">--tls-key: the PEM key of a PEM certificate, or null when the certificate file holds it.</param>
    /// <param name="clientCa">--client-ca: require coordinators' client certificates issued by this CA, or null.</param>
    /// <param name="peerCertificate">--peer-cert: the client certificate for https:// neighbours with direct routing, or null (<see cref="PeerTlsFlags"/> says what is presented then).</param>
    /// <param name="peerKey">--peer-key: its PEM key when not in the certificate file, or null.</param>
    /// <param name="peerCa">--peer-ca: the CA the neighbours' certificates must be issued by, or null for the machine's trusted CAs.</param>
    /// <param name="output">Hears the listening address.</param>
    /// <param name="error">Where problems go, one line each.</param>
    /// <param name="cancellation">Stops the worker.</param>
    public static int Run(Assembly assembly, string? model, string listen, string tokenFile, int torchThreads,
        string? tlsCertificate, string? tlsKey, string? clientCa, string? peerCertificate, string? peerKey, string? peerCa, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (ModelTypes.Find(assembly, model, out var problem) is not { } type || ModelTypes.Describe(type, out problem) is null)
        {
            error.WriteLine("error: --model: " + problem);
            return ToolExitCodes.InvalidInput;
        }
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var address))
        {
            error.WriteLine($"error: --listen: '{listen}' is not a URL such as http://127.0.0.1:5005");
            return ToolExitCodes.InvalidInput;
        }
        StageWorkerHostOptions options;
        try
        {
            var (certificate, authority) = new WorkerTlsFlags(tlsCertificate, tlsKey, clientCa).Load(address);
            options = new StageWorkerHostOptions
            {
                Listen = address, Token = ReadToken(tokenFile), Certificate = certificate, ClientCertificateAuthority = authority,
                PeerClient = new PeerTlsFlags(peerCertificate, peerKey, peerCa)
                    .Load(certificate, StageWorkerHostOptions.DefaultChunkBytes, StageWorkerHostOptions.DefaultMaxFrameBytes),
            };
        }
        catch (ArgumentException e)
        {
            // TLS messages name their flag; token messages get theirs in ReadToken.
            error.WriteLine("error: " + e.Message);
            return ToolExitCodes.InvalidInput;
        }
        GlibcHeap.KeepLargeBlocks();
        torch.set_num_threads(torchThreads);
        try
        {
            StageWorkerHost.RunAsync(seed => ModelTypes.CreateSeeded(type, seed), options, started: bound =>
            {
                output.WriteLine($"hopsplit worker hosts {type.FullName} segments for a coordinator; stop it with Ctrl+C");
                output.WriteLine(ListeningPrefix + bound);
                output.Flush();
            }, cancellation).GetAwaiter().GetResult();
        }
        catch (ArgumentException e)
        {
            error.WriteLine("error: --listen: " + e.Message);
            return ToolExitCodes.InvalidInput;
        }
        catch (IOException e)
        {
            // Kestrel reports an address in use or not available as an IOException.
            error.WriteLine($"error: --listen: cannot listen on {address}: {e.Message}");
            return ToolExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
        }
        return ToolExitCodes.Success;
    }

    private static SharedToken ReadToken(string path)
    {
        try
        {
            return SharedToken.FromFile(path);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("--token-file: " + e.Message, e);
        }
    }
}
