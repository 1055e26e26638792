using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// `digits cluster --tls`: a private CA made for one run, a worker certificate for 127.0.0.1, a client certificate
/// the workers present to each other with direct routing, and a coordinator (client) certificate, all issued by it.
/// The workers get theirs as PEM files in a folder only this user can read (deleted with it), exactly as
/// `digits worker --tls-cert --tls-key --client-ca` (and `--peer-cert --peer-key --peer-ca`) takes them.
/// </summary>
internal sealed class ClusterCertificates : IDisposable
{
    private ClusterCertificates(string folder, X509Certificate2 authority, X509Certificate2 client)
    {
        Folder = folder;
        Authority = authority;
        Client = client;
    }

    public string Folder { get; }

    /// <summary>The CA: the coordinator accepts only workers it issued, the workers only coordinators it issued.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The coordinator's certificate, with its key.</summary>
    public X509Certificate2 Client { get; }

    public string AuthorityFile => Path.Combine(Folder, "ca.pem");

    public string WorkerCertificateFile => Path.Combine(Folder, "worker.pem");

    public string WorkerKeyFile => Path.Combine(Folder, "worker.key");

    public string PeerCertificateFile => Path.Combine(Folder, "peer.pem");

    public string PeerKeyFile => Path.Combine(Folder, "peer.key");

    /// <summary>
    /// `digits worker` arguments for an https listener with these certificates; with <paramref name="direct"/> routing
    /// also the client certificate and CA for reaching the other workers.
    /// </summary>
    public IReadOnlyList<string> WorkerArguments(bool direct) =>
    [
        "--listen", "https://127.0.0.1:0", "--tls-cert", WorkerCertificateFile, "--tls-key", WorkerKeyFile, "--client-ca", AuthorityFile,
        .. direct ? (string[])["--peer-cert", PeerCertificateFile, "--peer-key", PeerKeyFile, "--peer-ca", AuthorityFile] : [],
    ];

    public static ClusterCertificates Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"hopsplit-cluster-tls-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=digits cluster CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(folder, "ca.pem"), authority.ExportCertificatePem());

        using var workerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var worker = Issue(authority, authorityKey, "digits worker", workerKey, server: true);
        File.WriteAllText(Path.Combine(folder, "worker.pem"), worker.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "worker.key"), workerKey.ExportPkcs8PrivateKeyPem());

        // With direct routing the workers are clients of each other: their client certificate, as PEM files too.
        using var peerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var peer = Issue(authority, authorityKey, "digits worker (peer)", peerKey, server: false);
        File.WriteAllText(Path.Combine(folder, "peer.pem"), peer.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "peer.key"), peerKey.ExportPkcs8PrivateKeyPem());

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = Issue(authority, authorityKey, "digits cluster", clientKey, server: false);
        using var withKey = client.CopyWithPrivateKey(clientKey);
        // Through PKCS#12 so the key is one the TLS stack can use on every platform.
        return new ClusterCertificates(folder, authority, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, ECDsa authorityKey, string name, ECDsa key, bool server)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false)); // server or client authentication
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback); // the workers listen on 127.0.0.1 and are reached there
            request.CertificateExtensions.Add(names.Build());
        }
        return request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(authorityKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
    }

    public void Dispose()
    {
        Authority.Dispose();
        Client.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
