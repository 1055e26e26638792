using System.Security.Cryptography.X509Certificates;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// A worker command's flags for reaching its neighbours over TLS with direct routing: <c>--peer-cert</c> (the client
/// certificate it presents to https:// neighbours started with --client-ca), <c>--peer-key</c> (its PEM key, when not
/// in the certificate file) and <c>--peer-ca</c> (the CA the neighbours' certificates must come from, instead of the
/// machine's trusted CAs). Shared by <c>digits worker</c> and <c>hopsplit worker</c>.
/// </summary>
/// <remarks>
/// Without --peer-cert a worker serving TLS presents its own certificate (--tls-cert) when that certificate may
/// authenticate a client (it has the clientAuth extended key usage, or no extended key usage at all), so one
/// certificate with both usages is enough for a worker; otherwise it presents none.
/// </remarks>
public sealed record PeerTlsFlags(string? Certificate, string? Key, string? Authority)
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// The client options for the worker's neighbours, or null when nothing is set and there is nothing to present
    /// (the worker's own defaults then apply).
    /// </summary>
    /// <param name="serving">The worker's own certificate (--tls-cert), or null without TLS.</param>
    /// <param name="chunkBytes">The worker's chunk size, kept for its sends.</param>
    /// <param name="maxFrameBytes">The worker's frame limit, kept for its sends.</param>
    /// <exception cref="TlsFileException">--peer-key without --peer-cert, or a file is unusable.</exception>
    public StageClientOptions? Load(X509Certificate2? serving, int chunkBytes, int maxFrameBytes)
    {
        if (Certificate is null && Key is not null) throw new TlsFileException("--peer-key needs --peer-cert: the key belongs to the certificate the worker presents to its neighbours");
        var certificate = Certificate is not null
            ? TlsFiles.LoadIdentity("--peer-cert", Certificate, "--peer-key", Key)
            : serving is not null && MayAuthenticateClient(serving) ? serving : null;
        var authority = Authority is null ? null : TlsFiles.LoadAuthority("--peer-ca", Authority);
        if (certificate is null && authority is null) return null;
        return new StageClientOptions { ChunkBytes = chunkBytes, MaxFrameBytes = maxFrameBytes, ClientCertificate = certificate, ServerCertificateAuthority = authority };
    }

    /// <summary>True when <paramref name="certificate"/> has no extended key usage (any use) or lists client authentication.</summary>
    public static bool MayAuthenticateClient(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToArray();
        return usages.Length == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ClientAuthentication));
    }
}
