using System.CommandLine;
using HopSplit.Distributed.Transport;

namespace HopSplit.Samples.Digits;

/// <summary>
/// A command's three TLS file flags: a certificate, its PEM key and a CA. Each role names and describes them; the files
/// are read by the flags types of HopSplit.Distributed.Transport, which the hopsplit tool shares.
/// </summary>
internal sealed class TlsOptions
{
    private readonly Option<FileInfo?> _certificate;
    private readonly Option<FileInfo?> _key;
    private readonly Option<FileInfo?> _authority;

    private TlsOptions(string certificate, string certificateDescription, string key, string authority, string authorityDescription)
    {
        _certificate = new Option<FileInfo?>(certificate) { Description = certificateDescription };
        _key = new Option<FileInfo?>(key) { Description = $"The PEM private key of {certificate}, when it is not in the certificate file." };
        _authority = new Option<FileInfo?>(authority) { Description = authorityDescription };
    }

    /// <summary>`digits worker`: the certificate it serves with and the CA its coordinators' certificates must come from.</summary>
    public static TlsOptions Worker() => new("--tls-cert",
        "Serve over TLS (with an https:// --listen address) with this certificate: a PEM file (its key in --tls-key or in the same file) or a .pfx/.p12 file with its key, without a password.",
        "--tls-key", "--client-ca",
        "Require every coordinator to present a client certificate issued by this CA (PEM or DER); others are refused in the TLS handshake.");

    /// <summary>`digits train-remote`: the coordinator's client certificate and the CA of the workers' certificates.</summary>
    public static TlsOptions Coordinator() => new("--tls-cert",
        "The coordinator's client certificate for https:// workers started with --client-ca: a PEM file (its key in --tls-key or in the same file) or a .pfx/.p12 file with its key.",
        "--tls-key", "--server-ca",
        "Accept only https:// workers whose certificate this CA (PEM or DER) issued, for the host they are reached at, instead of the machine's trusted CAs.");

    /// <summary>`digits worker` with direct routing: what it presents to its neighbours and the CA of theirs.</summary>
    public static TlsOptions Peers() => new("--peer-cert",
        "With direct routing: the client certificate this worker presents to https:// neighbours started with --client-ca (PEM, its key in --peer-key or the same file, or .pfx/.p12 with its key). Default: its own --tls-cert when that allows client authentication.",
        "--peer-key", "--peer-ca",
        "With direct routing: accept only https:// neighbours whose certificate this CA (PEM or DER) issued, instead of the machine's trusted CAs.");

    public void AddTo(Command command)
    {
        command.Options.Add(_certificate);
        command.Options.Add(_key);
        command.Options.Add(_authority);
    }

    public WorkerTlsFlags WorkerFlags(ParseResult parse) => new(Path(parse, _certificate), Path(parse, _key), Path(parse, _authority));

    public CoordinatorTlsFlags CoordinatorFlags(ParseResult parse) => new(Path(parse, _certificate), Path(parse, _key), Path(parse, _authority));

    public PeerTlsFlags PeerFlags(ParseResult parse) => new(Path(parse, _certificate), Path(parse, _key), Path(parse, _authority));

    private static string? Path(ParseResult parse, Option<FileInfo?> option) => parse.GetValue(option)?.FullName;
}
