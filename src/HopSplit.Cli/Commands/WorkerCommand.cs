using System.CommandLine;
using HopSplit.Cli.Loading;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit worker`: hosts the segments a coordinator (`hopsplit train --workers`) assigns, of a [SplitModel]
/// class in a built application, over gRPC until Ctrl+C or SIGTERM (<c>HopSplit.Tooling.StageWorkerTool</c>).
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var application = new ApplicationOptions();
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "Where to listen: http://HOST:PORT (HTTP/2 without TLS), or https://HOST:PORT with --tls-cert; port 0 picks a free port, printed at start.",
            DefaultValueFactory = _ => "http://127.0.0.1:5005",
        };
        var tokenFile = new Option<FileInfo>("--token-file")
        {
            Description = "A file holding the shared token (at least 16 characters, e.g. from openssl rand -hex 32) every call must carry.",
            Required = true,
        };
        var threads = new Option<int>("--torch-threads")
        {
            Description = "libtorch's intra-op threads (1 keeps workers sharing a machine from competing for cores).",
            DefaultValueFactory = _ => 1,
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--torch-threads must be at least 1");
        });
        var tlsCertificate = new Option<FileInfo?>("--tls-cert")
        {
            Description = "Serve over TLS (with an https:// --listen address) with this certificate: a PEM file (its key in --tls-key or in the same file) or a .pfx/.p12 file with its key, without a password.",
        };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "The PEM private key of --tls-cert, when it is not in the certificate file." };
        var clientCa = new Option<FileInfo?>("--client-ca")
        {
            Description = "Require every coordinator to present a client certificate issued by this CA (PEM or DER); others are refused in the TLS handshake.",
        };
        var peerCertificate = new Option<FileInfo?>("--peer-cert")
        {
            Description = "With direct routing: the client certificate this worker presents to https:// neighbours started with --client-ca (PEM, its key in --peer-key or the same file, or .pfx/.p12 with its key). Default: its own --tls-cert when that allows client authentication.",
        };
        var peerKey = new Option<FileInfo?>("--peer-key") { Description = "The PEM private key of --peer-cert, when it is not in the certificate file." };
        var peerCa = new Option<FileInfo?>("--peer-ca")
        {
            Description = "With direct routing: accept only https:// neighbours whose certificate this CA (PEM or DER) issued, instead of the machine's trusted CAs.",
        };
        var command = new Command("worker",
            "Host a model's pipeline segments for a coordinator (hopsplit train --workers) over gRPC, token-authenticated, " +
            "until Ctrl+C or SIGTERM. Start one per device; the coordinator assigns each its layers and the initial weights' seed.");
        application.AddTo(command);
        foreach (var option in new Option[] { listen, tokenFile, threads, tlsCertificate, tlsKey, clientCa, peerCertificate, peerKey, peerCa }) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Task.Run(() => ApplicationTool.Run(parse.GetValue(application.Assembly)!,
            ToolEntryPoint.InDistributed("StageWorkerTool"),
            [parse.GetValue(application.Model), parse.GetValue(listen), parse.GetValue(tokenFile)!.FullName, parse.GetValue(threads),
             parse.GetValue(tlsCertificate)?.FullName, parse.GetValue(tlsKey)?.FullName, parse.GetValue(clientCa)?.FullName,
             parse.GetValue(peerCertificate)?.FullName, parse.GetValue(peerKey)?.FullName, parse.GetValue(peerCa)?.FullName, output, error, cancellation],
            error), CancellationToken.None));
        return command;
    }
}
