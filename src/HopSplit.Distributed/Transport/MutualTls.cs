using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// Certificates checked against one given authority (a private CA), not the machine's trust store: workers
/// and coordinators of one deployment trust exactly the CA that issued their certificates.
/// </summary>
internal static class MutualTls
{
    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="authority"/> (revocation is not checked: a private CA publishes no lists).</summary>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>The coordinator's check of a worker's certificate: issued by the authority and naming the host it was asked for.</summary>
    public static RemoteCertificateValidationCallback ServerValidator(X509Certificate2 authority) => (_, certificate, _, errors) =>
        certificate is not null
        && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
        && IssuedBy(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), authority);
}
