using System.Diagnostics;
using System.Security.Cryptography;
using HopSplit.Distributed;
using HopSplit.Distributed.Protocol;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// Tensor throughput over loopback gRPC against a plain TCP socket copy of the same bytes. The gRPC side is
/// the coordinator's real path: a <see cref="StageClient"/> sends a float32 frame (header, chunks) to a worker
/// hosting an identity segment, which decodes it into a tensor, runs the segment, encodes the output and
/// sends it back; forwards and backwards alike. The socket side writes the frame's bytes and reads them back.
/// Both are round trips of the same payload each way, timed one at a time after a warm-up.
/// </summary>
internal static class TransportBench
{
    /// <summary>One payload size: median round-trip seconds of both paths.</summary>
    public sealed record Row(int MiB, double GrpcSeconds, double SocketSeconds, double EncodeSeconds, double DecodeSeconds, double ElementwiseEncodeSeconds,
        double GrpcCpuSeconds)
    {
        /// <summary>Payload MB (10^6 bytes) moved per second, there and back.</summary>
        public double GrpcMBps => 2.0 * MiB * (1 << 20) / GrpcSeconds / 1e6;

        public double SocketMBps => 2.0 * MiB * (1 << 20) / SocketSeconds / 1e6;

        /// <summary>How many times slower gRPC is than the socket.</summary>
        public double Ratio => GrpcSeconds / SocketSeconds;
    }

    public static readonly int[] SizesMiB = [1, 16, 64];

    public static async Task<IReadOnlyList<Row>> RunAsync(int repeats, int chunkBytes, TextWriter progress)
    {
        var token = new SharedToken(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        await using var worker = await StageWorkerHost.StartAsync(_ => new IdentityModel(3), new StageWorkerHostOptions
        {
            Listen = new Uri("http://127.0.0.1:0"), Token = token, ChunkBytes = chunkBytes,
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        using var client = new StageClient(worker.Address, token, new StageClientOptions { ChunkBytes = chunkBytes });
        await using var echo = await SocketEcho.StartAsync();
        var rows = new List<Row>();
        foreach (var mib in SizesMiB)
        {
            var (grpc, grpcCpu) = await GrpcRoundTripsAsync(client, mib, repeats);
            var socket = await SocketRoundTripsAsync(echo, mib, repeats);
            var (encode, decode) = CodecTimes(mib, repeats);
            var elementwise = ElementwiseEncodeTimes(mib, repeats);
            var row = new Row(mib, Median(grpc), Median(socket), Median(encode), Median(decode), Median(elementwise), Median(grpcCpu));
            progress.WriteLine(FormattableString.Invariant($"{mib,3} MiB: gRPC {row.GrpcSeconds * 1e3,8:F1} ms, socket {row.SocketSeconds * 1e3,8:F1} ms per round trip"));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Round trips of a frame of <paramref name="mib"/> MiB through the worker's middle (identity) segment: a forward and a
    /// backward per step. Also the process's CPU seconds per round trip (both ends live in this process): on a machine
    /// shared with other work the wall time mostly measures waiting for a core, the CPU time what the transport costs.
    /// </summary>
    private static async Task<(List<double> Wall, List<double> Cpu)> GrpcRoundTripsAsync(StageClient client, int mib, int repeats)
    {
        // A fresh assignment per size: step numbers restart at 0.
        await client.AssignAsync(new AssignRequest
        {
            Stage = 1, FirstLayer = 1, LastLayer = 1, LayerCount = 3, Seed = 1, Optimizer = new SgdSettings { LearningRate = 0.01 },
        }, CancellationToken.None);
        var elements = mib * (1 << 20) / sizeof(float);
        TensorFrame frame;
        using (var tensor = torch.rand(elements / 1024, 1024))
            frame = TensorCodec.ToFrame(tensor, 0, 0, 1, 1);
        var (times, cpu) = (new List<double>(), new List<double>());
        using var process = Process.GetCurrentProcess();
        for (var step = 0; step <= repeats; step++)
        {
            frame.Header.Step = step;
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var output = await client.ForwardAsync(frame, CancellationToken.None);
            var forward = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuMiddle = process.TotalProcessorTime;
            clock.Restart();
            var gradient = await client.BackwardAsync(frame, CancellationToken.None);
            var backward = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuEnd = process.TotalProcessorTime;
            if (output.Payload.Length != frame.Payload.Length || gradient.Payload.Length != frame.Payload.Length)
                throw new InvalidOperationException("the identity segment answered with a frame of another size");
            await client.StepAsync(1, step, CancellationToken.None);
            if (step == 0) continue; // warm-up: connection windows, JIT, first allocations
            times.Add(forward);
            times.Add(backward);
            cpu.Add((cpuMiddle - cpuStart).TotalSeconds);
            cpu.Add((cpuEnd - cpuMiddle).TotalSeconds);
        }
        return (times, cpu);
    }

    /// <summary>
    /// The codec alone, in CPU seconds of this thread (<see cref="ThreadCpuClock"/>): a tensor to a frame (encode)
    /// and back (decode), as the worker does once each per call.
    /// </summary>
    private static (List<double> Encode, List<double> Decode) CodecTimes(int mib, int repeats)
    {
        using var tensor = torch.rand(mib * (1 << 20) / sizeof(float) / 1024, 1024);
        var (encode, decode) = (new List<double>(), new List<double>());
        for (var i = 0; i <= repeats; i++)
        {
            var start = ThreadCpuClock.Now;
            var frame = TensorCodec.ToFrame(tensor, 0, 0, 1, 1);
            var encoded = ThreadCpuClock.Now;
            using var back = TensorCodec.ToTensor(frame);
            var decoded = ThreadCpuClock.Now;
            if (i == 0) continue;
            encode.Add(encoded - start);
            decode.Add(decoded - encoded);
        }
        return (encode, decode);
    }

    /// <summary>
    /// How the codec encoded before it copied the storage's bytes at once: through TorchSharp's element accessor
    /// into a float array, then into bytes (CPU seconds of this thread). Kept here only to compare in the same run.
    /// </summary>
    private static List<double> ElementwiseEncodeTimes(int mib, int repeats)
    {
        using var tensor = torch.rand(mib * (1 << 20) / sizeof(float) / 1024, 1024);
        var times = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            var start = ThreadCpuClock.Now;
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.data<float>().ToArray().AsSpan()).ToArray();
            if (bytes.Length != mib << 20) throw new InvalidOperationException("the element-wise copy has another size");
            if (i > 0) times.Add(ThreadCpuClock.Now - start);
        }
        return times;
    }

    private static async Task<List<double>> SocketRoundTripsAsync(SocketEcho echo, int mib, int repeats)
    {
        var payload = new byte[mib << 20];
        Random.Shared.NextBytes(payload);
        var received = new byte[payload.Length];
        var times = new List<double>();
        for (var i = 0; i <= 2 * repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await echo.RoundTripAsync(payload, received);
            if (i > 0) times.Add(clock.Elapsed.TotalSeconds);
        }
        if (!payload.AsSpan().SequenceEqual(received)) throw new InvalidOperationException("the echo changed the bytes");
        return times;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
