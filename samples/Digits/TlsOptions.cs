using System.CommandLine;
using HopSplit.Distributed.Transport;

namespace HopSplit.Samples.Digits;

/// <summary>`digits worker`'s TLS flags (read by <see cref="WorkerTlsFlags"/>, which the hopsplit tool shares).</summary>
internal sealed class WorkerTlsOptions
{
    private readonly Option<FileInfo?> _certificate = new("--tls-cert")
    {
        Description = "Serve over TLS (with an https:// --listen address) with this certificate: a PEM file (its key in --tls-key or in the same file) or a .pfx/.p12 file with its key, without a password.",
    };

    private readonly Option<FileInfo?> _key = new("--tls-key") { Description = "The PEM private key of --tls-cert, when it is not in the certificate file." };

    private readonly Option<FileInfo?> _clientCa = new("--client-ca")
    {
        Description = "Require every coordinator to present a client certificate issued by this CA (PEM or DER); others are refused in the TLS handshake.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_certificate);
        command.Options.Add(_key);
        command.Options.Add(_clientCa);
    }

    public WorkerTlsFlags Flags(ParseResult parse) =>
        new(parse.GetValue(_certificate)?.FullName, parse.GetValue(_key)?.FullName, parse.GetValue(_clientCa)?.FullName);
}

/// <summary>`digits train-remote`'s TLS flags (read by <see cref="CoordinatorTlsFlags"/>, which the hopsplit tool shares).</summary>
internal sealed class CoordinatorTlsOptions
{
    private readonly Option<FileInfo?> _certificate = new("--tls-cert")
    {
        Description = "The coordinator's client certificate for https:// workers started with --client-ca: a PEM file (its key in --tls-key or in the same file) or a .pfx/.p12 file with its key.",
    };

    private readonly Option<FileInfo?> _key = new("--tls-key") { Description = "The PEM private key of --tls-cert, when it is not in the certificate file." };

    private readonly Option<FileInfo?> _serverCa = new("--server-ca")
    {
        Description = "Accept only https:// workers whose certificate this CA (PEM or DER) issued, for the host they are reached at, instead of the machine's trusted CAs.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_certificate);
        command.Options.Add(_key);
        command.Options.Add(_serverCa);
    }

    public CoordinatorTlsFlags Flags(ParseResult parse) =>
        new(parse.GetValue(_certificate)?.FullName, parse.GetValue(_key)?.FullName, parse.GetValue(_serverCa)?.FullName);
}

/// <summary>`digits worker`'s flags for reaching its neighbours over TLS with direct routing (read by <see cref="PeerTlsFlags"/>, which the hopsplit tool shares).</summary>
internal sealed class PeerTlsOptions
{
    private readonly Option<FileInfo?> _certificate = new("--peer-cert")
    {
        Description = "With direct routing: the client certificate this worker presents to https:// neighbours started with --client-ca (PEM, its key in --peer-key or the same file, or .pfx/.p12 with its key). Default: its own --tls-cert when that allows client authentication.",
    };

    private readonly Option<FileInfo?> _key = new("--peer-key") { Description = "The PEM private key of --peer-cert, when it is not in the certificate file." };

    private readonly Option<FileInfo?> _authority = new("--peer-ca")
    {
        Description = "With direct routing: accept only https:// neighbours whose certificate this CA (PEM or DER) issued, instead of the machine's trusted CAs.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_certificate);
        command.Options.Add(_key);
        command.Options.Add(_authority);
    }

    public PeerTlsFlags Flags(ParseResult parse) =>
        new(parse.GetValue(_certificate)?.FullName, parse.GetValue(_key)?.FullName, parse.GetValue(_authority)?.FullName);
}
