using System.CommandLine;
using System.Globalization;
using HopSplit.Distributed;
using HopSplit.Runtime;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>`digits bench-transport`: tensor round trips over loopback gRPC against a plain socket (see <see cref="TransportBench"/>).</summary>
internal static class BenchTransportCommand
{
    public static Command Create(TextWriter output)
    {
        var repeats = DigitsApp.PositiveInt("--repeats", "Measured steps per size (each a forward and a backward round trip), after one warm-up.", 7);
        var chunk = DigitsApp.PositiveInt("--chunk-kib", "Payload KiB per gRPC chunk (at most 4096).", StageWorkerHostOptions.DefaultChunkBytes >> 10);
        chunk.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() > StageWorkerHostOptions.MaxChunkBytes >> 10) result.AddError("--chunk-kib: at most 4096 (gRPC's 4 MiB message limit)");
        });
        var command = new Command("bench-transport",
            "Measure tensor round trips of 1, 16 and 64 MiB over loopback gRPC (the worker protocol's framing, chunking and codec) " +
            "against a plain TCP socket copy of the same bytes; prints medians, MB/s and the ratio.");
        command.Options.Add(repeats);
        command.Options.Add(chunk);
        command.SetAction(async (parse, _) =>
        {
            GlibcHeap.KeepLargeBlocks();
            var chunkBytes = parse.GetValue(chunk) << 10;
            var rows = await TransportBench.RunAsync(parse.GetValue(repeats), chunkBytes, output);
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Round trips on loopback (median of {2 * parse.GetValue(repeats)}; payload MB/s there and back; chunks of {chunkBytes >> 10} KiB):"));
            output.WriteLine($"{"size",8} {"gRPC ms",10} {"gRPC MB/s",10} {"socket ms",10} {"socket MB/s",12} {"gRPC/socket",12} {"gRPC CPU ms",12} {"encode CPU ms",14} {"decode CPU ms",14} {"element-wise encode CPU ms",27}");
            foreach (var r in rows)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.MiB + " MiB",8} {r.GrpcSeconds * 1e3,10:F1} {r.GrpcMBps,10:F0} {r.SocketSeconds * 1e3,10:F1} {r.SocketMBps,12:F0} {r.Ratio,11:F1}x {r.GrpcCpuSeconds * 1e3,12:F1} {r.EncodeSeconds * 1e3,14:F1} {r.DecodeSeconds * 1e3,14:F1} {r.ElementwiseEncodeSeconds * 1e3,27:F1}"));
            return DigitsApp.Success;
        });
        return command;
    }
}
