using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// Reads the certificates of mutual TLS from the files a command line names, and explains a missing or unusable
/// file in one message that names the flag and the file (a <see cref="TlsFileException"/>).
/// </summary>
public static class TlsFiles
{
    /// <summary>
    /// A certificate with its private key: a PKCS#12 file (.pfx or .p12, without a password), or a PEM certificate
    /// whose key is in <paramref name="keyPath"/> (PEM, PKCS#8 or the algorithm's own format) or, when that is null,
    /// in the certificate file itself.
    /// </summary>
    /// <param name="certificateFlag">The flag that named the certificate, e.g. --tls-cert.</param>
    /// <param name="certificatePath">The certificate file.</param>
    /// <param name="keyFlag">The flag that named the key, e.g. --tls-key.</param>
    /// <param name="keyPath">The key file, or null.</param>
    /// <exception cref="TlsFileException">A file is missing, unreadable or not what the flag needs.</exception>
    public static X509Certificate2 LoadIdentity(string certificateFlag, string certificatePath, string keyFlag, string? keyPath)
    {
        RequireFile(certificateFlag, certificatePath);
        if (IsPkcs12(certificatePath))
        {
            if (keyPath is not null)
                throw new TlsFileException($"{keyFlag}: {keyPath} is not used: the PKCS#12 file {certificatePath} ({certificateFlag}) holds its own key; leave {keyFlag} out");
            X509Certificate2 bundled;
            try
            {
                bundled = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password: null);
            }
            catch (CryptographicException e)
            {
                throw new TlsFileException($"{certificateFlag}: {certificatePath} is not a PKCS#12 file without a password ({e.Message.TrimEnd('.')}); export it without one, or give a PEM certificate and {keyFlag}");
            }
            if (!bundled.HasPrivateKey) throw new TlsFileException($"{certificateFlag}: {certificatePath} holds no private key; export the certificate with its key");
            return bundled;
        }
        if (keyPath is not null) RequireFile(keyFlag, keyPath);
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException e)
        {
            var key = keyPath is null ? $"no private key in it (give the key file with {keyFlag})" : $"{keyPath} ({keyFlag}) holds no private key of it";
            throw new TlsFileException($"{certificateFlag}: {certificatePath} is not a PEM certificate with a private key, or {key}: {e.Message.TrimEnd('.')}");
        }
    }

    /// <summary>A CA certificate (PEM or DER) that the other end's certificate must be issued by.</summary>
    /// <param name="flag">The flag that named it, e.g. --client-ca.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="TlsFileException">The file is missing, unreadable or not a certificate.</exception>
    public static X509Certificate2 LoadAuthority(string flag, string path)
    {
        RequireFile(flag, path);
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException($"{flag}: {path} is not a certificate (PEM or DER): {e.Message.TrimEnd('.')}");
        }
    }

    private static bool IsPkcs12(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12";

    private static void RequireFile(string flag, string path)
    {
        if (!File.Exists(path)) throw new TlsFileException($"{flag}: the file {path} does not exist");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"{flag}: cannot read {path}: {e.Message}");
        }
    }
}

/// <summary>A certificate or key file that cannot be used; the message names the flag and the file.</summary>
public sealed class TlsFileException(string message) : ArgumentException(message);
