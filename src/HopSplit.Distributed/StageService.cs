using System.Collections.Concurrent;
using Grpc.Core;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Routing;
using Microsoft.Extensions.Logging;

namespace HopSplit.Distributed;

/// <summary>The gRPC stage service: hands each call to the segment its header names, refusing (and logging) bad requests.</summary>
internal sealed class StageService(WorkerState state, ILogger<StageService> logger) : Protocol.StageService.StageServiceBase
{
    public override Task<AssignReply> Assign(AssignRequest request, ServerCallContext context) => Guard(context, async () =>
    {
        await state.CheckNeighboursAsync(request, context.CancellationToken).ConfigureAwait(false);
        var segment = state.Assign(request);
        logger.LogInformation("Hosting stage {Stage}: layers {First}..{Last}, {Parameters} parameter tensors", segment.Stage, segment.First, segment.Last, segment.ParameterCount);
        return new AssignReply { ParameterCount = segment.ParameterCount };
    });

    public override Task Forward(IAsyncStreamReader<FrameChunk> requestStream, IServerStreamWriter<FrameChunk> responseStream, ServerCallContext context) =>
        Guard(context, async () =>
        {
            var frame = await FrameStream.ReadAsync(requestStream, state.Options.MaxFrameBytes, context.CancellationToken).ConfigureAwait(false);
            var reply = await SegmentPasses.ForwardAsync(state.Segment(frame.Header.Stage), frame, context.CancellationToken).ConfigureAwait(false);
            await FrameStream.WriteAsync(responseStream, reply, state.Options.ChunkBytes, context.CancellationToken).ConfigureAwait(false);
            return true;
        });

    public override Task Backward(IAsyncStreamReader<FrameChunk> requestStream, IServerStreamWriter<FrameChunk> responseStream, ServerCallContext context) =>
        Guard(context, async () =>
        {
            var frame = await FrameStream.ReadAsync(requestStream, state.Options.MaxFrameBytes, context.CancellationToken).ConfigureAwait(false);
            var reply = await SegmentPasses.BackwardAsync(state.Segment(frame.Header.Stage), frame, context.CancellationToken).ConfigureAwait(false);
            await FrameStream.WriteAsync(responseStream, reply, state.Options.ChunkBytes, context.CancellationToken).ConfigureAwait(false);
            return true;
        });

    public override Task<DeliverReply> Deliver(IAsyncStreamReader<FrameChunk> requestStream, ServerCallContext context) => Guard(context, async () =>
    {
        // The emulated hops' time runs from the call's start, as the link's from the send's start.
        var clock = new Transport.StepTimeline();
        var frame = await FrameStream.ReadAsync(requestStream, state.Options.MaxFrameBytes, context.CancellationToken).ConfigureAwait(false);
        if (frame.IsEmpty) throw FrameRules.Invalid("dtype: a delivered frame carries a tensor");
        var header = frame.Header;
        if (!(header.ModeledSeconds >= 0 && header.ModeledSeconds <= 3600))
            throw FrameRules.Invalid($"modeled_seconds: {header.ModeledSeconds} is not a link time (0 to 3600 seconds)");
        var segment = state.Segment(header.Stage);
        var fromNeighbour = header.Gradient ? segment.Next is not null : segment.Previous is not null;
        PeerInbox.Check(header, segment.Stage, segment.CurrentStep, fromNeighbour);
        // Held until the emulated hops would have carried it: only then may it run, and only then is the sender told.
        if (header.ModeledSeconds > 0) await clock.WaitUntilAsync(header.ModeledSeconds, context.CancellationToken).ConfigureAwait(false);
        segment.Inbox.Put(frame, segment.Stage, segment.CurrentStep, fromNeighbour);
        return new DeliverReply();
    });

    public override Task<FlushReply> Flush(FlushRequest request, ServerCallContext context) => Guard(context, async () =>
    {
        var sent = await state.Segment(request.Stage).FlushAsync(request.Step, request.Run, request.MicroBatches, context.CancellationToken).ConfigureAwait(false);
        var reply = new FlushReply();
        reply.Sent.AddRange(sent);
        return reply;
    });

    public override Task<StepReply> Step(StepRequest request, ServerCallContext context) => Guard(context, () =>
        Task.FromResult(new StepReply { NextStep = state.Segment(request.Stage).Step(request.Step) }));

    public override Task<WeightsReply> GetWeights(WeightsRequest request, ServerCallContext context) => Guard(context, () =>
    {
        var reply = new WeightsReply();
        reply.Parameters.AddRange(state.Segment(request.Stage).Weights());
        return Task.FromResult(reply);
    });

    public override Task GetState(StateRequest request, IServerStreamWriter<StateChunk> responseStream, ServerCallContext context) => Guard(context, async () =>
    {
        var segment = state.Segment(request.Stage);
        await StateStream.WriteAsync(responseStream, segment.Stage, segment.CurrentStep, segment.ExportState(), state.Options.ChunkBytes, context.CancellationToken)
            .ConfigureAwait(false);
        return true;
    });

    public override Task<SetStateReply> SetState(IAsyncStreamReader<StateChunk> requestStream, ServerCallContext context) => Guard(context, async () =>
    {
        var (stage, step, tensors) = await StateStream.ReadAsync(requestStream, state.Options.MaxFrameBytes, context.CancellationToken).ConfigureAwait(false);
        var segment = state.Segment(stage);
        // Nothing of the run being abandoned is sent after the restore (its late frames could not run anyway: another run).
        await segment.ResetOutboxesAsync().ConfigureAwait(false);
        var restored = segment.Restore(step, tensors);
        logger.LogInformation("Restored stage {Stage} to step {Step}: {Tensors} tensors", stage, step, restored);
        return new SetStateReply { Tensors = restored };
    });

    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context)
    {
        var reply = new PingReply();
        reply.Stages.AddRange(state.Stages);
        return Task.FromResult(reply);
    }

    /// <summary>Logs a refused request and passes its status on; any other failure becomes an Internal status naming the call.</summary>
    private async Task<T> Guard<T>(ServerCallContext context, Func<Task<T>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            logger.LogWarning("Refused {Method} from {Peer}: {Status}: {Detail}", context.Method, context.Peer, e.StatusCode, e.Status.Detail);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Method} from {Peer} failed", context.Method, context.Peer);
            throw new RpcException(new Status(StatusCode.Internal, $"{context.Method} failed on the worker: {e.Message}"));
        }
    }
}

/// <summary>What a worker holds between calls: its options, the user's model factory and the segments it hosts.</summary>
internal sealed class WorkerState(SplitModelFactory factory, StageWorkerHostOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<int, HostedSegment> _segments = new();
    private readonly object _assignGate = new();
    private readonly ConcurrentDictionary<Uri, StageClient> _peers = new();

    public StageWorkerHostOptions Options => options;

    /// <summary>Builds the model and hosts the segment, replacing one with the same stage index.</summary>
    public HostedSegment Assign(AssignRequest request)
    {
        if (request.Stage < 0) throw FrameRules.Invalid($"stage: {request.Stage} is negative");
        if (request.Optimizer is null) throw FrameRules.Invalid("optimizer: the assignment needs SGD settings");
        if (!(request.Optimizer.LearningRate > 0)) throw FrameRules.Invalid($"optimizer.learning_rate: {request.Optimizer.LearningRate} must be positive");
        if (request.Optimizer.Momentum < 0 || request.Optimizer.WeightDecay < 0) throw FrameRules.Invalid("optimizer: momentum and weight_decay must not be negative");
        ISplitModel model;
        try
        {
            model = factory(request.Seed);
        }
        catch (Exception e)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"the worker's model factory failed for seed {request.Seed}: {e.Message}"));
        }
        if (model.LayerCount != request.LayerCount)
        {
            (model as IDisposable)?.Dispose();
            throw FrameRules.Invalid($"layer_count: the plan is for a model of {request.LayerCount} layers, this worker's model has {model.LayerCount}");
        }
        if (request.FirstLayer < 0 || request.LastLayer < request.FirstLayer || request.LastLayer >= model.LayerCount)
        {
            (model as IDisposable)?.Dispose();
            throw FrameRules.Invalid($"first_layer/last_layer: {request.FirstLayer}..{request.LastLayer} is not a range of layers 0..{model.LayerCount - 1}");
        }
        var segment = new HostedSegment(request, model, options.ComputeDelay, PeerOf(request.Next), PeerOf(request.Previous));
        lock (_assignGate)
        {
            if (_segments.TryRemove(request.Stage, out var old)) old.Dispose();
            _segments[request.Stage] = segment;
        }
        return segment;
    }

    /// <summary>Direct routing: the neighbours an assignment names must answer this worker before it takes the segment (<see cref="NeighbourCheck"/>).</summary>
    public async Task CheckNeighboursAsync(AssignRequest request, CancellationToken cancellation)
    {
        if (request.Next is { } next) await NeighbourCheck.RequireReachableAsync(ClientOf(next), next, "next", options.PeerClient, cancellation).ConfigureAwait(false);
        if (request.Previous is { } previous) await NeighbourCheck.RequireReachableAsync(ClientOf(previous), previous, "previous", options.PeerClient, cancellation).ConfigureAwait(false);
    }

    private PeerLink? PeerOf(Peer? peer)
    {
        if (peer is null) return null;
        var client = ClientOf(peer);
        if (peer.Hops.Any(h => !(h.BitsPerSecond > 0) || !(h.LatencySeconds >= 0)))
            throw FrameRules.Invalid($"next/previous.hops: every hop to stage {peer.Stage} needs a positive bandwidth and a latency of at least 0");
        return new PeerLink(client, peer);
    }

    // Direct routing: one client per neighbouring worker, kept for the worker's life (segments are reassigned often).
    private StageClient ClientOf(Peer peer)
    {
        if (!Uri.TryCreate(peer.Address, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            throw FrameRules.Invalid($"next/previous.address: '{peer.Address}' is not an http(s)://host:port address of the neighbouring worker");
        return _peers.GetOrAdd(address, a => new StageClient(a, options.Token, options.PeerClient ?? new StageClientOptions
        {
            ChunkBytes = options.ChunkBytes, MaxFrameBytes = options.MaxFrameBytes,
        }));
    }

    /// <summary>The segment of stage <paramref name="stage"/>, or an InvalidArgument status naming what is hosted.</summary>
    public HostedSegment Segment(int stage) => _segments.TryGetValue(stage, out var segment)
        ? segment
        : throw FrameRules.Invalid($"stage: this worker does not host stage {stage} (it hosts {(_segments.IsEmpty ? "none; call Assign first" : string.Join(", ", _segments.Keys.Order()))})");

    /// <summary>The stage indexes hosted now.</summary>
    public IEnumerable<int> Stages => _segments.Keys.Order();

    public void Dispose()
    {
        foreach (var segment in _segments.Values) segment.Dispose();
        _segments.Clear();
        foreach (var peer in _peers.Values) peer.Dispose();
        _peers.Clear();
    }
}
