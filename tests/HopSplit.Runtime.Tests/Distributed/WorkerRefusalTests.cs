using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using HopSplit.Distributed;
using HopSplit.Distributed.Protocol;
using HopSplit.Planning.Model;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// A worker refuses calls without the token and malformed frames with a status that says why, changes
/// nothing when it refuses, logs the refusal, and keeps serving: training afterwards still matches.
/// </summary>
public class WorkerRefusalTests
{
    const int BatchSize = 12;
    const string Shape = "a[0..0] b[1..3] via r d[4..6]";

    [Fact]
    public async Task Calls_without_the_token_are_refused_logged_and_change_nothing()
    {
        var log = new CapturedLog();
        await using var worker = await StartWorker(log);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..6]"], 6);
        using var trainer = await DistributedTrainer.ConnectAsync(layout, Options(new Dictionary<string, Uri> { ["a"] = worker.Address }, ScheduleKind.GPipe));
        var before = WeightsOf(await trainer.GetWeightsAsync());

        using var channel = GrpcChannel.ForAddress(worker.Address);
        var client = new StageService.StageServiceClient(channel);
        var noToken = await Assert.ThrowsAsync<RpcException>(async () => await client.StepAsync(new StepRequest { Stage = 0, Step = 0 }));
        var wrongToken = await Assert.ThrowsAsync<RpcException>(async () => await client.AssignAsync(
            new AssignRequest { Stage = 0, FirstLayer = 0, LastLayer = 6, LayerCount = 7, Seed = 99, Optimizer = new SgdSettings { LearningRate = 1 } },
            new Metadata { { "authorization", "Bearer not-the-token-at-all-000" } }));
        var forward = client.Forward(new Metadata { { "authorization", Token.Value } }); // the token without "Bearer "
        var unframed = await Assert.ThrowsAsync<RpcException>(() => forward.ResponseStream.MoveNext(CancellationToken.None));

        Assert.All(new[] { noToken, wrongToken, unframed }, e => Assert.Equal(StatusCode.Unauthenticated, e.StatusCode));
        Assert.Contains("no authorization metadata", noToken.Status.Detail);
        Assert.Contains("wrong token", wrongToken.Status.Detail);
        Assert.Equal(3, log.Lines.Count(l => l.Contains("Warning") && l.Contains("Refused")));
        Assert.Contains(log.Lines, l => l.Contains("Refused /hopsplit.distributed.v1.StageService/Step") && l.Contains("no authorization metadata"));

        // Nothing changed: same weights, still at step 0 (a refused Step would have moved it), and training goes on.
        AssertSameWeights(before, WeightsOf(await trainer.GetWeightsAsync()), relative: 0);
        var (x, y) = Batch(BatchSize, seed: 600, ScalarType.Float64);
        using (x)
        using (y)
        {
            var result = await trainer.StepAsync(x, y);
            Assert.True(double.IsFinite(result.Loss));
        }
    }

    public static TheoryData<string, string> MalformedFrames() => new()
    {
        { "int64 activations", "dtype: stage 0 takes float32 or float64 activations, not Int64" },
        { "unknown dtype", "dtype: 7 is not a tensor dtype" },
        { "float32 activations for float64 layers", "dtype: stage 0's layers are Float64 but the frame is Float32" },
        { "a zero dimension", "shape: dimension 1 is 0; every dimension must be positive" },
        { "a negative dimension", "shape: dimension 0 is -3" },
        { "a wrong byte length", "byte_length: 100 bytes declared but shape [2, 1, 8, 8] of Float64 takes 1024" },
        { "fewer bytes than declared", "byte_length: the header declares 1024 bytes but the chunks carry 1016" },
        { "more bytes than declared", "byte_length: the chunks carry more than the 1024 bytes the header declares" },
        { "a frame above the limit", "shape: [4000, 1, 8, 8] of Float64 is larger than the 65536-byte frame limit" },
        { "a shape the layers cannot run", "shape: stage 0 (layers 0..0) cannot run [2, 3, 8, 8]" },
        { "a stage the worker does not host", "stage: this worker does not host stage 7 (it hosts 0, 2, 5)" },
        { "another step", "step: stage 0 is at step 0, the frame is for step 3" },
        { "a micro-batch outside the step", "micro_batch: 4 is outside 0..1" },
        { "no header", "header: the first chunk of a frame must carry the header" },
        { "a second header", "header: only the first chunk of a frame carries a header" },
        { "a backward without its forward", "micro_batch: stage 0 has no forward of micro-batch 1 in step 0 to back-propagate" },
        { "a negative modeled time", "modeled_seconds: -1 is not a pass time" },
        { "a delivered frame of another step", "step: stage 0 is at step 0, the delivered frame is for step 3" },
        { "a delivered empty frame", "dtype: a delivered frame carries a tensor" },
        { "a delivered frame with a negative link time", "modeled_seconds: -1 is not a link time" },
        { "a delivery to a segment without a neighbour", "gradient: stage 0 takes no delivered activations: it has no previous worker sending to it" },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_frame_is_refused_with_a_status_naming_the_field_and_the_worker_keeps_serving(string frame, string expected)
    {
        var log = new CapturedLog();
        await using var worker = await StartWorker(log, maxFrameBytes: 64 << 10);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..0] b[1..3] via r d[4..6]"], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address, ["d"] = worker.Address };
        using var trainer = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe));
        var before = WeightsOf(await trainer.GetWeightsAsync());

        var error = await Assert.ThrowsAsync<RpcException>(() => Send(worker.Address, frame));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(expected, error.Status.Detail);
        Assert.Contains(log.Lines, l => l.Contains("Refused") && l.Contains(expected));
        AssertSameWeights(before, WeightsOf(await trainer.GetWeightsAsync()), relative: 0);

        // The worker keeps serving, and the refused frame left nothing behind: a step trains as if it never came.
        await FirstStepMatchesInProcessAsync(trainer, ScheduleKind.GPipe, batchSeed: 700);
    }

    [Fact]
    public async Task A_header_only_request_waits_for_its_delivered_frame_only_until_its_deadline_and_changes_nothing()
    {
        await using var worker = await StartWorker();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address, ["d"] = worker.Address };
        using var trainer = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe) with { Routing = FrameRouting.Direct });
        // The neighbour sends from its outbox while it computes on, so the request waits for the frame; none comes.
        using var client = new StageClient(worker.Address, Token, new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(1) });
        var request = TensorFrame.Empty(0, 1, 2, stage: 2);
        request.Header.FromPeer = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.ForwardAsync(request, CancellationToken.None));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 30);
        var (x, y) = Batch(BatchSize, seed: 900, ScalarType.Float64);
        using (x)
        using (y)
            Assert.True(double.IsFinite((await trainer.StepAsync(x, y)).Loss));
    }

    [Fact]
    public async Task A_refused_step_names_the_stage_the_worker_the_pass_and_the_field()
    {
        await using var worker = await StartWorker();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[Shape], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address, ["d"] = worker.Address };
        using var trainer = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.OneFOneB));
        // Labels 0..2 are SmallCnn's classes; 3 is not.
        var (x, y) = Batch(BatchSize, seed: 800, ScalarType.Float64);
        using (x)
        using (y)
        using (var wrong = y.clone())
        {
            wrong[7] = tensor(3L);
            var error = await Assert.ThrowsAsync<DistributedStageException>(() => trainer.StepAsync(x, wrong));
            Assert.Equal(StatusCode.InvalidArgument, error.Status);
            Assert.Equal(5, error.Stage.Index);
            Assert.Equal($"node d (stage 5) on worker {worker.Address} failed in the backward pass of micro-batch 1: InvalidArgument: labels: stage 5 has 3 classes; labels must be 0..2", error.Message);
            // The trainer is faulted, not the worker: a new trainer reassigns and trains.
            await Assert.ThrowsAsync<InvalidOperationException>(() => trainer.StepAsync(x, y));
            using var again = await DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.OneFOneB));
            Assert.True(double.IsFinite((await again.StepAsync(x, y)).Loss));
        }
    }

    /// <summary>Sends one hand-made malformed frame to stage 0 (layers 0..0 of the float64 SmallCnn).</summary>
    static async Task Send(Uri worker, string frame)
    {
        using var channel = GrpcChannel.ForAddress(worker);
        var client = new StageService.StageServiceClient(channel);
        var auth = new Metadata { { "authorization", Token.HeaderValue } };
        FrameHeader Header(DType dtype, long[] shape, long? byteLength = null, int stage = 0, long step = 0, int microBatch = 0)
        {
            var header = new FrameHeader { Step = step, MicroBatch = microBatch, MicroBatches = 2, Stage = stage, Dtype = dtype };
            header.Shape.AddRange(shape);
            header.ByteLength = byteLength ?? shape.Aggregate(1L, (p, d) => p * d) * TensorCodec.ElementSize(dtype);
            return header;
        }
        FrameHeader Modeled(FrameHeader header, double seconds)
        {
            header.ModeledSeconds = seconds;
            return header;
        }
        FrameChunk Chunk(FrameHeader? header, int bytes) => new() { Header = header, Data = ByteString.CopyFrom(new byte[bytes]) };
        var input = new long[] { 2, 1, 8, 8 };
        var (chunks, kind) = frame switch
        {
            "int64 activations" => ([Chunk(Header(DType.Int64, input), 1024)], "forward"),
            "unknown dtype" => ([Chunk(Header((DType)7, input, 1024), 1024)], "forward"),
            "float32 activations for float64 layers" => ([Chunk(Header(DType.Float32, input), 512)], "forward"),
            "a zero dimension" => ([Chunk(Header(DType.Float64, [2, 0, 8, 8], 0), 0)], "forward"),
            "a negative dimension" => ([Chunk(Header(DType.Float64, [-3, 1, 8, 8], 0), 0)], "forward"),
            "a wrong byte length" => ([Chunk(Header(DType.Float64, input, 100), 100)], "forward"),
            "fewer bytes than declared" => ([Chunk(Header(DType.Float64, input), 1000), Chunk(null, 16)], "forward"),
            "more bytes than declared" => ([Chunk(Header(DType.Float64, input), 1000), Chunk(null, 32)], "forward"),
            "a frame above the limit" => ([Chunk(Header(DType.Float64, [4000, 1, 8, 8]), 0)], "forward"),
            "a shape the layers cannot run" => ([Chunk(Header(DType.Float64, [2, 3, 8, 8]), 3072)], "forward"),
            "a stage the worker does not host" => ([Chunk(Header(DType.Float64, input, stage: 7), 1024)], "forward"),
            "another step" => ([Chunk(Header(DType.Float64, input, step: 3), 1024)], "forward"),
            "a micro-batch outside the step" => ([Chunk(Header(DType.Float64, input, microBatch: 4), 1024)], "forward"),
            "no header" => ([Chunk(null, 1024)], "forward"),
            "a second header" => ([Chunk(Header(DType.Float64, input), 512), Chunk(Header(DType.Float64, input), 512)], "forward"),
            "a backward without its forward" => (new[] { Chunk(Header(DType.Float64, [2, 4, 8, 8], microBatch: 1), 4096) }, "backward"),
            "a negative modeled time" => ([Chunk(Modeled(Header(DType.Float64, input), -1), 1024)], "forward"),
            "a delivered frame of another step" => ([Chunk(Header(DType.Float64, input, step: 3), 1024)], "deliver"),
"a delivery to a segment without a neighbour" => ([Chunk(Header(DType.Float64, input), 1024)], "deliver"),
            "a delivered frame with a negative link time" => ([Chunk(Modeled(Header(DType.Float64, input), -1), 1024)], "deliver"),
            "a delivered empty frame" => ([Chunk(new FrameHeader { MicroBatches = 2, Dtype = DType.None }, 0)], "deliver"),
            _ => throw new ArgumentOutOfRangeException(nameof(frame), frame, null),
        };
        if (kind == "deliver")
        {
            using var delivery = client.Deliver(auth);
            foreach (var chunk in chunks) await delivery.RequestStream.WriteAsync(chunk);
            await delivery.RequestStream.CompleteAsync();
            await delivery.ResponseAsync;
            return;
        }
        using var call = kind == "backward" ? client.Backward(auth) : client.Forward(auth);
        try
        {
            foreach (var chunk in chunks) await call.RequestStream.WriteAsync(chunk);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // Refused before the whole frame was sent; the response says why.
        }
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
    }
}
