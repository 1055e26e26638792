using System.Security.Cryptography.X509Certificates;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// A worker command's TLS flags: <c>--tls-cert</c> (its certificate: PEM, or PKCS#12 with the key),
/// <c>--tls-key</c> (the PEM key, when not in the certificate file) and <c>--client-ca</c> (require coordinators to
/// present a certificate this CA issued). Shared by <c>digits worker</c> and <c>hopsplit worker</c>.
/// </summary>
public sealed record WorkerTlsFlags(string? Certificate, string? Key, string? ClientCa)
{
    /// <summary>The worker's certificate and client CA for <paramref name="listen"/> (both null without TLS).</summary>
    /// <exception cref="TlsFileException">A flag does not fit the listen address or another flag, or a file is unusable.</exception>
    public (X509Certificate2? Certificate, X509Certificate2? ClientCa) Load(Uri listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var https = listen.Scheme == Uri.UriSchemeHttps;
        if (Certificate is null)
        {
            if (Key is not null) throw new TlsFileException("--tls-key needs --tls-cert: the key belongs to the worker's certificate");
            if (ClientCa is not null) throw new TlsFileException("--client-ca needs --tls-cert and an https:// --listen address: client certificates are checked in the TLS handshake");
            if (https) throw new TlsFileException($"--listen {listen} is https: give the worker's certificate with --tls-cert (and --tls-key), or listen on http://");
            return (null, null);
        }
        if (!https) throw new TlsFileException($"--tls-cert is given but --listen {listen} is http://; listen on https://HOST:PORT to serve over TLS");
        return (TlsFiles.LoadIdentity("--tls-cert", Certificate, "--tls-key", Key), ClientCa is null ? null : TlsFiles.LoadAuthority("--client-ca", ClientCa));
    }
}

/// <summary>
/// A coordinator command's TLS flags: <c>--tls-cert</c> and <c>--tls-key</c> (the client certificate workers started
/// with --client-ca require) and <c>--server-ca</c> (the CA the workers' certificates must come from, instead of the
/// machine's trust store). Shared by <c>digits train-remote</c> and <c>hopsplit train --workers</c>.
/// </summary>
public sealed record CoordinatorTlsFlags(string? Certificate, string? Key, string? ServerCa)
{
    /// <summary>Client options carrying the certificates for <paramref name="workers"/>, on top of <paramref name="client"/>.</summary>
    /// <exception cref="TlsFileException">A flag is given without https:// workers or without --tls-cert, or a file is unusable.</exception>
    public StageClientOptions Apply(StageClientOptions client, IEnumerable<Uri> workers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(workers);
        if (Certificate is null && Key is null && ServerCa is null) return client;
        if (Certificate is null && Key is not null) throw new TlsFileException("--tls-key needs --tls-cert: the key belongs to the coordinator's certificate");
        if (!workers.Any(w => w.Scheme == Uri.UriSchemeHttps))
            throw new TlsFileException($"{(Certificate is null ? "--server-ca" : "--tls-cert")} is given but no worker in --workers is https://; give the workers' https:// addresses");
        return new StageClientOptions
        {
            ChunkBytes = client.ChunkBytes, MaxFrameBytes = client.MaxFrameBytes, CallTimeout = client.CallTimeout,
            ClientCertificate = Certificate is null ? client.ClientCertificate : TlsFiles.LoadIdentity("--tls-cert", Certificate, "--tls-key", Key),
            ServerCertificateAuthority = ServerCa is null ? client.ServerCertificateAuthority : TlsFiles.LoadAuthority("--server-ca", ServerCa),
        };
    }
}
