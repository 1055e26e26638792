using System.Diagnostics;
using Grpc.Core;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Transport;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;
using static TorchSharp.torch;
using Slots = System.Threading.Tasks.TaskCompletionSource<HopSplit.Distributed.TensorFrame>[];

namespace HopSplit.Distributed;

/// <summary>
/// The coordinator of pipelined split learning over gRPC: assigns every compute segment of a plan to its
/// node's worker, then runs each training step in the schedule's order. The coordinator holds the data and
/// relays each frame from one segment's worker to the next (with <see cref="NetworkEmulation.Modeled"/>, through
/// the plan's emulated links and paced to its nodes' speeds; see <see cref="LinkEmulator"/>), or, with
/// <see cref="FrameRouting.Direct"/>, lets the workers send frames to each other and measure the sends; the last segment
/// computes the loss of every micro-batch, weighted by its share of the mini-batch as the in-process
/// <see cref="PipelineTrainer"/> does, so both give the same weights.
/// </summary>
public sealed class DistributedTrainer : IDisposable
{
    private readonly DistributedTrainerOptions _options;
    private readonly IReadOnlyList<(PipelineStage Stage, StageClient Client)> _segments;
    private readonly List<StageClient> _clients;
    private long _step;
    private bool _faulted;

    private DistributedTrainer(PipelineLayout layout, DistributedTrainerOptions options, IReadOnlyList<(PipelineStage, StageClient)> segments, List<StageClient> clients)
    {
        Layout = layout;
        _options = options;
        _segments = segments;
        _clients = clients;
    }

    /// <summary>The plan's stages.</summary>
    public PipelineLayout Layout { get; }

    /// <summary>Completed training steps: the number of the next step (restoring a checkpoint sets it).</summary>
    public long CompletedSteps => _step;

    /// <summary>The compute stages and the worker address of each, in pipeline order.</summary>
    public IReadOnlyList<(PipelineStage Stage, Uri Worker)> Assignments => _segments.Select(s => (s.Stage, s.Client.Address)).ToArray();

    /// <summary>Connects to the workers and assigns every compute segment of <paramref name="layout"/> to its node's worker.</summary>
    /// <exception cref="ArgumentException">A node of the plan has no worker.</exception>
    /// <exception cref="DistributedStageException">A worker refused its assignment or cannot be reached.</exception>
    public static async Task<DistributedTrainer> ConnectAsync(PipelineLayout layout, DistributedTrainerOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Workers);
        ArgumentNullException.ThrowIfNull(options.Token);
        var missing = layout.ComputeStages.Select(s => s.Id).Where(id => !options.Workers.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"no worker for node {string.Join(", ", missing)} of the plan (workers are given for {string.Join(", ", options.Workers.Keys)})");
        if (options.EmulatedLinks is not null && (options.Routing != FrameRouting.Direct || options.Emulation != NetworkEmulation.Modeled))
            throw new ArgumentException("EmulatedLinks is used by the workers' link emulation: set Routing = Direct and Emulation = Modeled, or leave EmulatedLinks null");

        var clients = new Dictionary<Uri, StageClient>();
        var segments = layout.ComputeStages
            .Select(stage =>
            {
                var address = options.Workers[stage.Id];
                if (!clients.TryGetValue(address, out var client)) clients[address] = client = new StageClient(address, options.Token, options.Client);
                return (stage, client);
            })
            .ToArray();
        var trainer = new DistributedTrainer(layout, options, segments, clients.Values.ToList());
        try
        {
            // A worker that still refuses connections after the wait fails its assignment below, naming its node.
            await Task.WhenAll(clients.Values.Select(c => c.WaitUntilListeningAsync(options.WorkerStartTimeout, options.HeartbeatTimeout, cancellation))).ConfigureAwait(false);
            await Task.WhenAll(segments.Select((s, k) => trainer.AssignAsync(k, cancellation))).ConfigureAwait(false);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    private async Task AssignAsync(int k, CancellationToken cancellation)
    {
        var (stage, client) = _segments[k];
        var request = new AssignRequest
        {
            Stage = stage.Index, FirstLayer = stage.Ref.FirstLayer, LastLayer = stage.Ref.LastLayer, LayerCount = Layout.Problem.LayerCount,
            Seed = _options.Seed,
            Optimizer = new SgdSettings { LearningRate = _options.LearningRate, Momentum = _options.Momentum, WeightDecay = _options.WeightDecay },
        };
        if (Direct)
        {
            if (k + 1 < _segments.Count) request.Next = PeerOf(k, k + 1, Hops(k).ToArray());
            if (k > 0) request.Previous = PeerOf(k, k - 1, Hops(k - 1).Reverse().ToArray());
        }
        try
        {
            await client.AssignAsync(request, cancellation).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new DistributedStageException(stage, client.Address, "assigning it", e);
        }
    }

    private bool Direct => _options.Routing == FrameRouting.Direct;

    private bool Emulate => _options.Emulation == NetworkEmulation.Modeled;

    /// <summary>The link stages between segment <paramref name="k"/> and segment k + 1, in pipeline order.</summary>
    private IEnumerable<PipelineStage> Hops(int k) =>
        Layout.Stages.Skip(_segments[k].Stage.Index + 1).Take(_segments[k + 1].Stage.Index - _segments[k].Stage.Index - 1);

    /// <summary>The link a hop emulates: the plan's, or the one <see cref="DistributedTrainerOptions.EmulatedLinks"/> gives instead.</summary>
    private NetworkLink LinkOf(PipelineStage hop)
    {
        var planned = Layout.Problem.Network.Links[hop.Ref.Link];
        return _options.EmulatedLinks?.FirstOrDefault(l => l.From == planned.From && l.To == planned.To) ?? planned;
    }

    /// <summary>Segment <paramref name="k"/>, the neighbour segment <paramref name="from"/>'s worker sends to, and the hops between them.</summary>
    private Peer PeerOf(int from, int k, IReadOnlyList<PipelineStage> hops)
    {
        var peer = new Peer
        {
            Address = _segments[k].Client.Address.ToString(), Stage = _segments[k].Stage.Index, Emulate = Emulate,
            OutboxFrames = MostInFlight(_segments[from].Stage),
        };
        foreach (var hop in hops)
        {
            var link = LinkOf(hop);
            peer.Hops.Add(new Hop { Link = hop.Id, BitsPerSecond = link.BitsPerSecond, LatencySeconds = link.LatencySeconds });
        }
        return peer;
    }

    /// <summary>
    /// The most micro-batches <paramref name="stage"/> holds forwarded but not yet back-propagated in the schedule, for the
    /// plan's mini-batch: the bound of its outboxes (so a worker never holds more unsent frames than its schedule has in flight).
    /// </summary>
    private int MostInFlight(PipelineStage stage)
    {
        var microBatches = Layout.MicroBatchSizes(Layout.Problem.BatchSize).Count;
        int inFlight = 0, most = 1;
        foreach (var task in ScheduleOrder.For(_options.Schedule, stage.Index, Layout.Stages.Count, microBatches))
            most = Math.Max(most, inFlight += task.Direction == TaskDirection.Forward ? 1 : -1);
        return most;
    }

    /// <summary>
    /// One training step: cuts the mini-batch into the plan's micro-batches, runs every segment's forwards and
    /// backwards on its worker in the schedule's order (segments work concurrently, as in a pipeline), then steps
    /// every segment's optimizer.
    /// </summary>
    /// <exception cref="DistributedStageException">A worker refused a frame or failed; the message names the stage, worker and task.</exception>
    public async Task<DistributedStepResult> StepAsync(Tensor inputs, Tensor labels, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (_faulted) throw new InvalidOperationException("a previous step failed; connect a new trainer (it assigns the segments afresh)");
        var samples = checked((int)inputs.shape[0]);
        if (samples < 1) throw new ArgumentException("the mini-batch is empty", nameof(inputs));
        if (labels.shape[0] != samples) throw new ArgumentException($"{labels.shape[0]} labels for {samples} samples", nameof(labels));

        var wall = Stopwatch.StartNew();
        var sizes = Layout.MicroBatchSizes(samples);
        // Direct routing: this run of the step, which the workers' frames carry (a late frame of an aborted run never runs).
        var run = new StepFrames(sizes, _segments.Count, Random.Shared.NextInt64(1, long.MaxValue));
        var timeline = new StepTimeline();
        var offset = 0;
        for (var m = 0; m < sizes.Count; m++)
        {
            using var input = inputs.narrow(0, offset, sizes[m]);
            using var label = labels.narrow(0, offset, sizes[m]);
            run.Inputs[m] = TensorCodec.ToFrame(input, _step, m, sizes.Count, _segments[0].Stage.Index);
            var labelFrame = TensorCodec.ToFrame(label, _step, m, sizes.Count, _segments[^1].Stage.Index);
            labelFrame.Header.LossWeight = (double)sizes[m] / samples;
            run.Labels[m] = labelFrame;
            offset += sizes[m];
        }

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var heartbeat = new Heartbeat(_clients, _options.HeartbeatInterval, _options.HeartbeatTimeout, abort);
        var links = StartLinks(run, timeline, abort.Token);
        var loops = _segments.Select((_, k) => RunSegmentAsync(k, run, timeline, abort))
            .Concat(Direct ? _segments.Select((_, k) => FlushSegmentAsync(k, run, abort)) : [])
            .ToArray();
        try
        {
            // Every frame is delivered (the flushes) before any optimizer steps.
            await Task.WhenAll(loops.Concat(links)).ConfigureAwait(false);
            await Task.WhenAll(_segments.Select(s => StepSegmentAsync(s.Stage, s.Client, cancellation))).ConfigureAwait(false);
        }
        catch (Exception thrown)
        {
            _faulted = true;
            await heartbeat.StopAsync().ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            // The first stage that failed, not the ones cancelled because of it.
            var failure = loops.Where(l => l.IsFaulted).Select(l => l.Exception!.InnerException).OfType<DistributedStageException>().FirstOrDefault()
                ?? thrown as DistributedStageException;
            var dead = heartbeat.Dead.Count > 0 ? heartbeat.Dead : await UnreachableAsync(_clients, _options.HeartbeatTimeout).ConfigureAwait(false);
            if (dead.Count > 0) throw WorkerUnreachableException.For(this, dead, failure ?? thrown);
            if (failure is not null) throw failure;
            throw;
        }
        await heartbeat.StopAsync().ConfigureAwait(false);
        _step++;
        var loss = Enumerable.Range(0, sizes.Count).Sum(m => run.Losses[m] * sizes[m] / samples);
        var measured = _segments.Select((s, k) => new MeasuredStage(s.Stage, run.ComputeSeconds[k],
            sizes.Sum(size => Layout.ModeledTime(s.Stage, size).Cost))).ToArray();
        var transfers = run.Transfers.OrderBy(t => t.From.Index).ThenBy(t => t.Direction).ThenBy(t => t.MicroBatch).ToArray();
        return new DistributedStepResult(loss, sizes, wall.Elapsed.TotalSeconds)
        {
            Stages = measured, Tasks = timeline.Tasks, Transfers = transfers, Paths = MeasuredPaths(transfers),
        };
    }

    /// <summary>Direct routing: the step's sends between each pair of consecutive segments, both ways, against the plan's links between them.</summary>
    private IReadOnlyList<MeasuredPath> MeasuredPaths(IReadOnlyList<MeasuredTransfer> transfers)
    {
        var paths = new List<MeasuredPath>();
        for (var k = 0; k + 1 < _segments.Count; k++)
        {
            var between = transfers.Where(t => Math.Min(t.From.Index, t.To.Index) == _segments[k].Stage.Index).ToArray();
            if (between.Length == 0) continue;
            var hops = Hops(k).ToArray();
            if (hops.Length == 0) continue;
            var links = hops.Select(h => Layout.Problem.Network.Links[h.Ref.Link]).ToArray();
            var name = string.Join("->", new[] { _segments[k].Stage.Id }.Concat(hops.Select(h => h.Id.Split("->")[1])));
            paths.Add(new MeasuredPath(name, links, between.Sum(t => t.Bytes), between.Sum(t => t.Seconds), between.Length));
        }
        return paths;
    }

    /// <summary>The workers among <paramref name="clients"/> that do not answer a ping within <paramref name="timeout"/>.</summary>
    internal static async Task<IReadOnlyList<Uri>> UnreachableAsync(IEnumerable<StageClient> clients, TimeSpan timeout)
    {
        var answers = await Task.WhenAll(clients.Select(async client => (client.Address, Alive: await Heartbeat.AnswersAsync(client, timeout).ConfigureAwait(false))))
            .ConfigureAwait(false);
        return answers.Where(a => !a.Alive).Select(a => a.Address).ToArray();
    }

    /// <summary>
    /// Joins each segment to the next: directly, or, with emulation, through a <see cref="LinkEmulator"/> for the
    /// link stages between them. Returns the emulators' loops.
    /// </summary>
    private List<Task> StartLinks(StepFrames run, StepTimeline timeline, CancellationToken cancellation)
    {
        var loops = new List<Task>();
        for (var k = 0; k + 1 < _segments.Count; k++)
        {
            var hops = Hops(k).ToArray();
            // Direct routing: the frames go from worker to worker (which emulate the hops); the slots only carry the receipts.
            if (_options.Emulation == NetworkEmulation.None || hops.Length == 0 || Direct)
            {
                run.Arrivals[k + 1] = run.Activations[k];
                run.GradientArrivals[k] = run.Gradients[k + 1];
                continue;
            }
            run.Arrivals[k + 1] = LinkEmulator.NewSlots(run.Sizes.Count);
            run.GradientArrivals[k] = LinkEmulator.NewSlots(run.Sizes.Count);
            loops.Add(new LinkEmulator(Layout, _options.Schedule, hops)
                .RunAsync(run.Activations[k], run.Arrivals[k + 1], run.Gradients[k + 1], run.GradientArrivals[k], timeline, cancellation));
        }
        return loops;
    }

    /// <summary>Runs segment <paramref name="k"/>'s tasks in its schedule order, waiting for its neighbours' frames.</summary>
    private async Task RunSegmentAsync(int k, StepFrames run, StepTimeline timeline, CancellationTokenSource abort)
    {
        var (stage, client) = _segments[k];
        var last = k == _segments.Count - 1;
        PipelineTask? current = null;
        try
        {
            foreach (var task in ScheduleOrder.For(_options.Schedule, stage.Index, Layout.Stages.Count, run.Sizes.Count))
            {
                current = task;
                var m = task.MicroBatch;
                var modeled = Layout.ModeledTime(stage, run.Sizes[m]);
                if (task.Direction == TaskDirection.Forward)
                {
                    var input = k == 0 ? Paced(run.Inputs[m], modeled.Forward, run.Id) : Request(await run.Arrivals[k][m].Task.WaitAsync(abort.Token).ConfigureAwait(false), stage, modeled.Forward, run.Id);
                    var start = timeline.Now;
                    var output = await client.ForwardAsync(input, abort.Token).ConfigureAwait(false);
                    run.ComputeSeconds[k] += output.Header.ComputeSeconds;
                    await PaceAsync(timeline, stage, task, start + output.Header.WaitedSeconds, modeled.Forward, output.Header.ComputeSeconds, abort.Token).ConfigureAwait(false);
                    run.Activations[k][m].SetResult(output);
                }
                else
                {
                    var gradient = last ? Paced(run.Labels[m], modeled.Backward, run.Id) : Request(await run.GradientArrivals[k][m].Task.WaitAsync(abort.Token).ConfigureAwait(false), stage, modeled.Backward, run.Id);
                    var start = timeline.Now;
                    var inputGradient = await client.BackwardAsync(gradient, abort.Token).ConfigureAwait(false);
                    await PaceAsync(timeline, stage, task, start + inputGradient.Header.WaitedSeconds, modeled.Backward, inputGradient.Header.ComputeSeconds, abort.Token).ConfigureAwait(false);
                    if (last) run.Losses[m] = inputGradient.Header.Loss;
                    run.ComputeSeconds[k] += inputGradient.Header.ComputeSeconds;
                    run.Gradients[k][m].SetResult(inputGradient);
                }
            }
        }
        catch (Exception e) when (!(abort.IsCancellationRequested && IsCancellation(e)))
        {
            await abort.CancelAsync().ConfigureAwait(false);
            var what = current is { } t ? $"the {(t.Direction == TaskDirection.Forward ? "forward" : "backward")} pass of micro-batch {t.MicroBatch}" : "a step";
            throw new DistributedStageException(stage, client.Address, what, e);
        }
    }

    /// <summary>
    /// What a segment's worker is asked to run: relayed, the neighbour's frame itself; direct, a header-only request
    /// for the frame the neighbour delivered (with emulation, carrying the node's modeled time for the worker to wait out).
    /// </summary>
    private TensorFrame Request(TensorFrame neighbours, PipelineStage stage, double modeledSeconds, long run)
    {
        if (!Direct) return neighbours.For(stage.Index);
        var header = neighbours.Header;
        var request = TensorFrame.Empty(header.Step, header.MicroBatch, header.MicroBatches, stage.Index);
        request.Header.FromPeer = true;
        request.Header.Run = run;
        if (Emulate) request.Header.ModeledSeconds = modeledSeconds;
        return request;
    }

    /// <summary>The coordinator's own frames (inputs, labels): direct, they carry the run and, with emulation, the pass's modeled time for the worker to wait out.</summary>
    private TensorFrame Paced(TensorFrame frame, double modeledSeconds, long run)
    {
        if (!Direct) return frame;
        var header = frame.Header.Clone();
        header.Run = run;
        if (Emulate) header.ModeledSeconds = modeledSeconds;
        return frame with { Header = header };
    }

    /// <summary>
    /// Direct routing: waits, while the segment's passes run, until its worker has delivered every frame of the step to its
    /// neighbours, and keeps what each send measured. A failed send fails it (naming the neighbour and the micro-batch)
    /// even when the segment has no pass left to fail, so the step stops instead of its neighbour waiting for the frame.
    /// </summary>
    private async Task FlushSegmentAsync(int k, StepFrames run, CancellationTokenSource abort)
    {
        var (stage, client) = _segments[k];
        try
        {
            foreach (var sent in await client.FlushAsync(stage.Index, _step, run.Id, run.Sizes.Count, abort.Token).ConfigureAwait(false))
            {
                var to = sent.Gradient ? k - 1 : k + 1;
                var direction = sent.Gradient ? TaskDirection.Backward : TaskDirection.Forward;
                run.Transfers.Add(new MeasuredTransfer(stage, _segments[to].Stage, direction, sent.MicroBatch, sent.Bytes, sent.Seconds));
            }
        }
        catch (Exception e) when (!(abort.IsCancellationRequested && IsCancellation(e)))
        {
            await abort.CancelAsync().ConfigureAwait(false);
            throw new DistributedStageException(stage, client.Address, "sending its frames to its neighbours", e);
        }
    }

    /// <summary>
    /// Records a compute task; with emulation, relayed, first waits until it has taken its node's modeled time (the call's
    /// real time, transfer to and from the worker included, counts towards it). Direct, the worker has waited already.
    /// </summary>
    private async Task PaceAsync(StepTimeline timeline, PipelineStage stage, PipelineTask task, double start, double modeledSeconds, double computeSeconds,
        CancellationToken cancellation)
    {
        var work = Direct ? computeSeconds : timeline.Now - start;
        if (Emulate && !Direct) await timeline.WaitUntilAsync(start + modeledSeconds, cancellation).ConfigureAwait(false);
        timeline.Record(stage, task.Direction, task.MicroBatch, start, work, Emulate ? modeledSeconds : 0);
    }

    // A call cut short because another segment failed (or the caller cancelled) is not a failure of its own.
    private static bool IsCancellation(Exception e) => e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    private async Task StepSegmentAsync(PipelineStage stage, StageClient client, CancellationToken cancellation)
    {
        try
        {
            await client.StepAsync(stage.Index, _step, cancellation).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new DistributedStageException(stage, client.Address, "the optimizer step", e);
        }
    }

    /// <summary>The parameters of every segment, by layer index and parameter name (e.g. (0, "weight")), as tensors owned by the caller.</summary>
    public async Task<IReadOnlyDictionary<(int Layer, string Name), Tensor>> GetWeightsAsync(CancellationToken cancellation = default)
    {
        var weights = new Dictionary<(int, string), Tensor>();
        foreach (var (stage, client) in _segments)
        {
            var reply = await client.GetWeightsAsync(stage.Index, cancellation).ConfigureAwait(false);
            foreach (var parameter in reply.Parameters)
                weights[(parameter.Layer, parameter.Name)] = TensorCodec.ToTensor(new TensorFrame(parameter.Header, parameter.Data.ToByteArray()));
        }
        return weights;
    }

    /// <summary>
    /// The training state of every segment (parameters and SGD momentum buffers) by layer, name and slot, and the
    /// completed steps it belongs to: what a checkpoint holds.
    /// </summary>
    /// <exception cref="DistributedStageException">A worker refused or failed the call.</exception>
    public async Task<(long Step, IReadOnlyDictionary<StateKey, StateTensor> Tensors)> GetStateAsync(CancellationToken cancellation = default)
    {
        var state = new Dictionary<StateKey, StateTensor>();
        foreach (var (stage, client) in _segments)
        {
            try
            {
                var (step, tensors) = await client.GetStateAsync(stage.Index, cancellation).ConfigureAwait(false);
                if (step != _step) throw new InvalidOperationException($"{stage.ResourceName} is at step {step}, the coordinator at {_step}");
                foreach (var (key, tensor) in tensors) state[key] = tensor;
            }
            catch (RpcException e)
            {
                throw new DistributedStageException(stage, client.Address, "exporting its state", e);
            }
        }
        return (_step, state);
    }

    /// <summary>
    /// Gives every segment its layers' part of <paramref name="tensors"/> (a checkpoint's state, whatever split it was
    /// taken under) and moves the whole pipeline to step <paramref name="step"/>. A faulted trainer is usable again after it.
    /// </summary>
    /// <exception cref="DistributedStageException">A worker refused the state (the message names the tensor) or cannot be reached.</exception>
    public async Task RestoreAsync(long step, IReadOnlyDictionary<StateKey, StateTensor> tensors, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        await Task.WhenAll(_segments.Select(async s =>
        {
            var mine = tensors.Where(t => t.Key.Layer >= s.Stage.Ref.FirstLayer && t.Key.Layer <= s.Stage.Ref.LastLayer).OrderBy(t => t.Key);
            try
            {
                await s.Client.SetStateAsync(s.Stage.Index, step, mine, cancellation).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw new DistributedStageException(s.Stage, s.Client.Address, "restoring its state", e);
            }
        })).ConfigureAwait(false);
        _step = step;
        _faulted = false;
    }

    /// <summary>Closes the connections (the workers keep their segments until reassigned).</summary>
    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
        _clients.Clear();
    }

    /// <summary>The frames of one step: inputs and labels in, and what each segment hands its neighbours.</summary>
    private sealed class StepFrames
    {
        public StepFrames(IReadOnlyList<int> sizes, int segments, long id)
        {
            Sizes = sizes;
            Id = id;
            Inputs = new TensorFrame[sizes.Count];
            Labels = new TensorFrame[sizes.Count];
            Losses = new double[sizes.Count];
            ComputeSeconds = new double[segments];
            Activations = Enumerable.Range(0, segments).Select(_ => LinkEmulator.NewSlots(sizes.Count)).ToArray();
            Gradients = Enumerable.Range(0, segments).Select(_ => LinkEmulator.NewSlots(sizes.Count)).ToArray();
            Arrivals = new Slots[segments];
            GradientArrivals = new Slots[segments];
        }

        /// <summary>Direct routing: every send the workers measured in this step.</summary>
        public System.Collections.Concurrent.ConcurrentBag<MeasuredTransfer> Transfers { get; } = new();

        public IReadOnlyList<int> Sizes { get; }

        /// <summary>Direct routing: the run's id, which every request and every frame the workers send each other carries.</summary>
        public long Id { get; }

        public TensorFrame[] Inputs { get; }
        public TensorFrame[] Labels { get; }
        public double[] Losses { get; }

        /// <summary>[k]: segment k's compute seconds in this step, as its worker measured them.</summary>
        public double[] ComputeSeconds { get; }

        /// <summary>[k][m]: segment k's output of micro-batch m.</summary>
        public Slots[] Activations { get; }

        /// <summary>[k][m]: segment k's input gradient of micro-batch m.</summary>
        public Slots[] Gradients { get; }

        /// <summary>[k][m]: the activation segment k takes (segment k - 1's output, after the links between them).</summary>
        public Slots[] Arrivals { get; }

        /// <summary>[k][m]: the gradient segment k takes (segment k + 1's input gradient, after the links between them).</summary>
        public Slots[] GradientArrivals { get; }
    }
}

/// <summary>What one distributed training step did.</summary>
/// <param name="Loss">The mini-batch's mean loss (the micro-batches' losses weighted by their share).</param>
/// <param name="MicroBatchSizes">The micro-batches the mini-batch was cut into.</param>
/// <param name="WallSeconds">The step's wall-clock time on the coordinator.</param>
public sealed record DistributedStepResult(double Loss, IReadOnlyList<int> MicroBatchSizes, double WallSeconds)
{
    /// <summary>Each compute stage's measured compute time in this step against the plan's model of it.</summary>
    public IReadOnlyList<MeasuredStage> Stages { get; init; } = [];

    /// <summary>
    /// Every compute task (a call to a worker, from when its input was ready to its answer, plus any emulation
    /// wait) and every emulated link task, in order of start, in seconds from the step's start.
    /// </summary>
    public IReadOnlyList<MeasuredTask> Tasks { get; init; } = [];

    /// <summary>Direct routing: every activation and gradient a worker sent to its neighbour in this step, as the sender measured it.</summary>
    public IReadOnlyList<MeasuredTransfer> Transfers { get; init; } = [];

    /// <summary>Direct routing: the sends between each pair of consecutive segments, summed, against the plan's links between them.</summary>
    public IReadOnlyList<MeasuredPath> Paths { get; init; } = [];

    /// <summary>From the step's start to the end of its last task: what the simulator predicts (the wall time also holds the optimizer step).</summary>
    public double MakespanSeconds => Tasks.Count == 0 ? WallSeconds : Tasks.Max(t => t.Task.EndSeconds);
}

/// <summary>A compute stage's time in one step: all its forward and backward passes, measured on its worker and as the plan models them.</summary>
public sealed record MeasuredStage(PipelineStage Stage, double ComputeSeconds, double ModeledSeconds)
{
    /// <summary>Measured over modeled: above 1 the node is slower than the plan assumes.</summary>
    public double Ratio => ModeledSeconds > 0 ? ComputeSeconds / ModeledSeconds : double.NaN;
}

/// <summary>One frame a worker sent to its neighbour (direct routing): payload bytes and seconds from the send's start until the neighbour had it.</summary>
public sealed record MeasuredTransfer(PipelineStage From, PipelineStage To, TaskDirection Direction, int MicroBatch, long Bytes, double Seconds);

/// <summary>
/// The sends of one step between two consecutive segments (both directions) over the plan's links between them (one,
/// or several through relays): the measured bandwidth of the path against the plan's.
/// </summary>
/// <param name="Name">The nodes on the path, e.g. "b->r->d".</param>
/// <param name="Links">The plan's links, in order.</param>
/// <param name="Bytes">Payload bytes sent, all sends together.</param>
/// <param name="Seconds">Seconds the sends took together.</param>
/// <param name="Transfers">How many sends.</param>
public sealed record MeasuredPath(string Name, IReadOnlyList<NetworkLink> Links, long Bytes, double Seconds, int Transfers)
{
    /// <summary>The plan's bandwidth of the path (a frame crosses every hop in turn: 1 / the sum of 1 / bandwidth).</summary>
    public double PlannedBitsPerSecond => 1 / Links.Sum(l => 1 / l.BitsPerSecond);

    /// <summary>The plan's latency of one send over the path: the hops' latencies together.</summary>
    public double LatencySeconds => Links.Sum(l => l.LatencySeconds);

    /// <summary>Bits sent over the seconds they took minus the plan's latency of each send; NaN when the sends took no longer than the latency alone.</summary>
    public double MeasuredBitsPerSecond => Seconds - Transfers * LatencySeconds is var moving && moving > 0 ? Bytes * 8.0 / moving : double.NaN;

    /// <summary>Planned over measured bandwidth: above 1 the path is slower than the plan assumes (like <see cref="MeasuredStage.Ratio"/>).</summary>
    public double Ratio => PlannedBitsPerSecond / MeasuredBitsPerSecond;
}

/// <summary>A worker refused or failed a stage's call; the message names the stage, the worker and the task.</summary>
public class DistributedStageException : Exception
{
    internal DistributedStageException(PipelineStage stage, Uri worker, string what, Exception inner)
        : base($"{stage.ResourceName} (stage {stage.Index}) on worker {worker} failed in {what}: {Describe(inner)}", inner)
    {
        Stage = stage;
        Worker = worker;
        Status = inner is RpcException rpc ? rpc.StatusCode : null;
    }

    /// <summary>The stage that failed first.</summary>
    public PipelineStage Stage { get; }

    /// <summary>The worker it ran on.</summary>
    public Uri Worker { get; }

    /// <summary>The gRPC status when the worker answered with one.</summary>
    public StatusCode? Status { get; }

    private static string Describe(Exception inner) => inner is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : inner.Message;
}
