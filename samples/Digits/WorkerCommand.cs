using System.CommandLine;
using HopSplit.Distributed;
using HopSplit.Distributed.Transport;
using HopSplit.Runtime;
using TorchSharp;

namespace HopSplit.Samples.Digits;

/// <summary>
/// `digits worker --listen URL --token-file FILE`: serves DigitNet's stages to a coordinator over gRPC
/// (docs/distributed.md) until stopped with Ctrl+C or SIGTERM.
/// </summary>
internal static class WorkerCommand
{
    // torch's global generator gives the initial weights; two assignments at once must not interleave their draws.
    private static readonly object SeedGate = new();

    /// <summary>DigitNet with the initial weights of <paramref name="seed"/> (the main job's model for the same seed).</summary>
    public static ISplitModel CreateModel(long seed)
    {
        lock (SeedGate)
        {
            torch.random.manual_seed(seed);
            return new DigitNet();
        }
    }

    public static Command Create(TextWriter output, TextWriter error)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Where to listen: http://HOST:PORT (HTTP/2 without TLS), or https://HOST:PORT with --tls-cert; port 0 picks a free port, printed at start.",
            DefaultValueFactory = _ => "http://127.0.0.1:5005",
        };
        var tokenFile = new Option<FileInfo>("--token-file")
        {
            Description = "A file holding the shared token (at least 16 characters) every call must carry.",
            Required = true,
        };
        var maxFrame = DigitsApp.PositiveInt("--max-frame-mib", "The largest tensor frame accepted, in MiB.", StageWorkerHostOptions.DefaultMaxFrameBytes >> 20);
        var threads = DigitsApp.PositiveInt("--torch-threads", "libtorch's intra-op threads (1 keeps workers sharing a machine from competing for cores).", 1);
        var delay = new Option<int>("--compute-delay-ms")
        {
            Description = "Add this many milliseconds to every forward and backward pass: emulates a slower device (to try re-planning on drift).",
            DefaultValueFactory = _ => 0,
        };
        delay.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--compute-delay-ms must not be negative.");
        });
        var stopWith = new Option<int?>("--stop-with")
        {
            Description = "Stop when the process with this id exits (the cluster command passes its own, so no worker outlives it).",
        };
        var tls = TlsOptions.Worker();
        var peerTls = TlsOptions.Peers();
        var command = new Command("worker", "Host DigitNet's stages for a HopSplit coordinator over gRPC (token-authenticated; TLS with client certificates as an option).");
        command.Options.Add(stopWith);
        command.Options.Add(listen);
        command.Options.Add(tokenFile);
        command.Options.Add(maxFrame);
        command.Options.Add(threads);
        command.Options.Add(delay);
        tls.AddTo(command);
        peerTls.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            if (!Uri.TryCreate(parse.GetValue(listen), UriKind.Absolute, out var address))
            {
                await error.WriteLineAsync($"error: --listen {parse.GetValue(listen)} is not a URL such as http://127.0.0.1:5005");
                return DigitsApp.InvalidInput;
            }
            StageWorkerHostOptions options;
            try
            {
                var (certificate, clientCa) = tls.WorkerFlags(parse).Load(address);
                var maxFrameBytes = checked(parse.GetValue(maxFrame) << 20);
                options = new StageWorkerHostOptions
                {
                    Listen = address,
                    Certificate = certificate,
                    ClientCertificateAuthority = clientCa,
                    PeerClient = peerTls.PeerFlags(parse).Load(certificate, StageWorkerHostOptions.DefaultChunkBytes, maxFrameBytes),
                    Token = SharedToken.FromFile(parse.GetValue(tokenFile)!.FullName),
                    MaxFrameBytes = maxFrameBytes,
                    ComputeDelay = TimeSpan.FromMilliseconds(parse.GetValue(delay)),
                };
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return DigitsApp.InvalidInput;
            }
            GlibcHeap.KeepLargeBlocks();
            torch.set_num_threads(parse.GetValue(threads));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (parse.GetValue(stopWith) is { } parent) _ = StopWhenExitedAsync(parent, stop);
            try
            {
                await StageWorkerHost.RunAsync(CreateModel, options, started: bound =>
                {
                    output.WriteLine($"digits worker listening on {bound}");
                    output.Flush();
                }, stop.Token);
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return DigitsApp.InvalidInput;
            }
            catch (IOException e)
            {
                // Kestrel reports an address in use or not available as an IOException.
                await error.WriteLineAsync($"error: cannot listen on {address}: {e.Message}");
                return DigitsApp.InvalidInput;
            }
            catch (OperationCanceledException)
            {
            }
            return DigitsApp.Success;
        });
        return command;
    }

    /// <summary>Cancels <paramref name="stop"/> once process <paramref name="processId"/> is gone (polled: it need not be our parent).</summary>
    private static async Task StopWhenExitedAsync(int processId, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && IsRunning(processId)) await Task.Delay(TimeSpan.FromMilliseconds(500), stop.Token);
            await stop.CancelAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }
}
