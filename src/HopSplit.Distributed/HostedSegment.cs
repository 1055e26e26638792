using System.Diagnostics;
using Grpc.Core;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Routing;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Distributed;

/// <summary>
/// One compute segment a worker hosts: its own copy of the model (from the user's factory), a
/// <see cref="ModelStage"/> per micro-batch in flight and an SGD optimizer over the segment's layers. Every
/// request is checked in full before anything changes, so a refused frame leaves the segment as it was.
/// Calls are serialized: tensor work runs synchronously under one lock (TorchSharp's dispose scopes are per thread).
/// </summary>
internal sealed class HostedSegment : IDisposable
{
    private readonly object _gate = new();
    private readonly ISplitModel _model;
    private readonly TorchSharp.Modules.SGD? _optimizer;
    // The hosted parameters in the optimizer's order, with their layer and name (state is keyed by them).
    private readonly List<(int Layer, string Name, TorchSharp.Modules.Parameter Parameter)> _parameters = new();
    private readonly TimeSpan _computeDelay;
    private readonly Dictionary<int, ModelStage> _inFlight = new();
    private readonly ScalarType? _parameterType;
    private int _microBatches;

    public HostedSegment(AssignRequest assignment, ISplitModel model, TimeSpan computeDelay = default, PeerLink? next = null, PeerLink? previous = null)
    {
        Next = next;
        Previous = previous;
        if (next is not null) NextOutbox = new PeerOutbox(next, gradient: false);
        if (previous is not null) PreviousOutbox = new PeerOutbox(previous, gradient: true);
        _computeDelay = computeDelay;
        Stage = assignment.Stage;
        First = assignment.FirstLayer;
        Last = assignment.LastLayer;
        _model = model;
        for (var layer = First; layer <= Last; layer++)
            foreach (var (name, parameter) in model.Layer(layer).named_parameters()) _parameters.Add((layer, name, parameter));
        var parameters = _parameters.Select(p => p.Parameter).ToList();
        ParameterCount = parameters.Count;
        _parameterType = parameters.Count > 0 ? parameters[0].dtype : null;
        var sgd = assignment.Optimizer;
        if (parameters.Count > 0) _optimizer = optim.SGD(parameters, sgd.LearningRate, sgd.Momentum, weight_decay: sgd.WeightDecay);
    }

    public int Stage { get; }

    public int First { get; }

    public int Last { get; }

    public int ParameterCount { get; }

    /// <summary>Direct routing: where outputs go (null: back to the coordinator).</summary>
    public PeerLink? Next { get; }

    /// <summary>Direct routing: where input gradients go (null: back to the coordinator).</summary>
    public PeerLink? Previous { get; }

    /// <summary>Frames the neighbours delivered for this segment (direct routing).</summary>
    public PeerInbox Inbox { get; } = new();

    /// <summary>Direct routing: outputs waiting to be sent to the next segment's worker.</summary>
    public PeerOutbox? NextOutbox { get; }

    /// <summary>Direct routing: input gradients waiting to be sent to the previous segment's worker.</summary>
    public PeerOutbox? PreviousOutbox { get; }

    private IEnumerable<PeerOutbox> Outboxes => new[] { NextOutbox, PreviousOutbox }.OfType<PeerOutbox>();

    /// <summary>Throws the failure of an earlier send to a neighbour (it names the neighbour and the micro-batch).</summary>
    public void ThrowIfSendFailed()
    {
        foreach (var outbox in Outboxes) outbox.ThrowIfFailed();
    }

    /// <summary>Waits until both outboxes delivered <paramref name="microBatches"/> frames of the run; what each send measured.</summary>
    public async Task<IReadOnlyList<SentFrame>> FlushAsync(long step, long run, int microBatches, CancellationToken cancellation)
    {
        if (microBatches < 1) throw FrameRules.Invalid($"micro_batches: {microBatches} is not a number of micro-batches (1 or more)");
        if (step != CurrentStep) throw FrameRules.Invalid($"step: stage {Stage} is at step {CurrentStep}, not {step}");
        var sent = await Task.WhenAll(Outboxes.Select(o => o.FlushAsync(step, run, microBatches, cancellation))).ConfigureAwait(false);
        return sent.SelectMany(s => s).ToArray();
    }

    /// <summary>Empties both outboxes and waits until no send of theirs is under way (before a restore: nothing of an aborted run is sent after it).</summary>
    public Task ResetOutboxesAsync() => Task.WhenAll(Outboxes.Select(o => o.ResetAsync()));

    /// <summary>The step the segment expects frames for.</summary>
    public long CurrentStep { get; private set; }

    private bool ComputesLoss => Last == _model.LayerCount - 1;

    /// <summary>Runs the segment on an activation frame (the data itself on the first segment) and returns the output frame.</summary>
    public TensorFrame Forward(TensorFrame frame)
    {
        lock (_gate)
        {
            var header = frame.Header;
            CheckStep(header);
            if (_inFlight.ContainsKey(header.MicroBatch))
                throw FrameRules.Invalid($"micro_batch: micro-batch {header.MicroBatch} of step {header.Step} was already forwarded by stage {Stage}");
            if (header.Dtype is not (DType.Float32 or DType.Float64))
                throw FrameRules.Invalid($"dtype: stage {Stage} takes float32 or float64 activations, not {header.Dtype}");
            if (_parameterType is { } type && TensorCodec.ScalarTypeOf(header.Dtype) != type)
                throw FrameRules.Invalid($"dtype: stage {Stage}'s layers are {type} but the frame is {header.Dtype}");
            if (header.Shape.Count == 0) throw FrameRules.Invalid("shape: an activation needs a batch dimension");

            var stage = new ModelStage(_model, First, Last);
            try
            {
                using var scope = NewDisposeScope();
                var input = TensorCodec.ToTensor(frame);
                var clock = Stopwatch.StartNew();
                var output = stage.Forward(input);
                EmulateSlowDevice();
                var computeSeconds = clock.Elapsed.TotalSeconds;
                var reply = TensorCodec.ToFrame(output, header.Step, header.MicroBatch, header.MicroBatches, Stage);
                reply.Header.ComputeSeconds = computeSeconds;
                _microBatches = header.MicroBatches;
                _inFlight.Add(header.MicroBatch, stage);
                return reply;
            }
            catch (Exception e) when (e is not RpcException)
            {
                stage.Dispose();
                // The layers refused the tensor (a shape that does not fit them): the user's mistake, not the worker's.
                throw FrameRules.Invalid($"shape: stage {Stage} (layers {First}..{Last}) cannot run [{string.Join(", ", header.Shape)}]: {FirstLine(e.Message)}");
            }
        }
    }

    /// <summary>
    /// Back-propagates micro-batch <c>micro_batch</c>: from an output-gradient frame, or on the last segment from
    /// a labels frame (cross-entropy, weighted by the frame's loss_weight, as the in-process runtime does). Returns
    /// the input-gradient frame (empty on the first segment); for a labels frame its header carries the loss.
    /// </summary>
    public TensorFrame Backward(TensorFrame frame)
    {
        lock (_gate)
        {
            var header = frame.Header;
            CheckStep(header);
            if (!_inFlight.TryGetValue(header.MicroBatch, out var stage))
                throw FrameRules.Invalid($"micro_batch: stage {Stage} has no forward of micro-batch {header.MicroBatch} in step {header.Step} to back-propagate");
            var output = stage.Output!;
            double loss = 0;
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                if (ComputesLoss)
                {
                    CheckLabels(header, output);
                    var labels = TensorCodec.ToTensor(frame);
                    var classes = output.shape[^1];
                    if (labels.min().item<long>() < 0 || labels.max().item<long>() >= classes)
                        throw FrameRules.Invalid($"labels: stage {Stage} has {classes} classes; labels must be 0..{classes - 1}");
                    loss = MicroBatchLoss.Backward(stage, static (o, l) => nn.functional.cross_entropy(o, l), labels, header.LossWeight);
                }
                else
                {
                    CheckGradient(header, output);
                    stage.Backward(TensorCodec.ToTensor(frame));
                }
            }
            EmulateSlowDevice();
            var computeSeconds = clock.Elapsed.TotalSeconds;
            var reply = InputGradientFrame(stage, header);
            reply.Header.Loss = loss;
            reply.Header.ComputeSeconds = computeSeconds;
            stage.Dispose();
            _inFlight.Remove(header.MicroBatch);
            return reply;
        }
    }

    /// <summary>Steps the optimizer, clears the gradients and expects the next step.</summary>
    public long Step(long step)
    {
        lock (_gate)
        {
            if (step != CurrentStep) throw FrameRules.Invalid($"step: stage {Stage} is at step {CurrentStep}, not {step}");
            if (_inFlight.Count > 0)
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"stage {Stage} still has micro-batches {string.Join(", ", _inFlight.Keys.Order())} of step {step} in flight; back-propagate them first"));
            if (Outboxes.Sum(o => o.Pending) is var unsent and > 0)
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"stage {Stage} still has {unsent} frame(s) of step {step} to send to its neighbours; flush them first"));
            using var scope = NewDisposeScope();
            _optimizer?.step();
            _optimizer?.zero_grad();
            Inbox.Clear();
            CurrentStep++;
            _microBatches = 0;
            return CurrentStep;
        }
    }

    /// <summary>The parameters of the hosted layers, layer by layer.</summary>
    public IReadOnlyList<NamedTensor> Weights()
    {
        lock (_gate)
        {
            var weights = new List<NamedTensor>();
            for (var layer = First; layer <= Last; layer++)
            {
                foreach (var (name, parameter) in _model.Layer(layer).named_parameters())
                {
                    var frame = TensorCodec.ToFrame(parameter, CurrentStep, 0, 1, Stage);
                    weights.Add(new NamedTensor { Layer = layer, Name = name, Header = frame.Header, Data = Google.Protobuf.ByteString.CopyFrom(frame.Payload) });
                }
            }
            return weights;
        }
    }

    /// <summary>
    /// The segment's training state: every parameter and, once SGD has stepped with momentum, its momentum buffer,
    /// keyed by layer and name so that another split can take it (<see cref="Restore"/>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<StateKey, StateTensor>> ExportState()
    {
        lock (_gate)
        {
            var state = new List<KeyValuePair<StateKey, StateTensor>>();
            var momentum = Momentum();
            for (var i = 0; i < _parameters.Count; i++)
            {
                var (layer, name, parameter) = _parameters[i];
                state.Add(new(new StateKey(layer, name, StateSlot.Parameter), StateTensor.FromFrame(TensorCodec.ToFrame(parameter, 0, 0, 1, Stage))));
                if (momentum[i]?.momentum_buffer is { } buffer)
                    state.Add(new(new StateKey(layer, name, StateSlot.Momentum), StateTensor.FromFrame(TensorCodec.ToFrame(buffer, 0, 0, 1, Stage))));
            }
            return state;
        }
    }

    /// <summary>
    /// Replaces parameters and momentum buffers with <paramref name="state"/>'s and expects step <paramref name="step"/> next.
    /// Everything is checked before anything changes: every hosted parameter must be given, with its dtype and shape,
    /// and nothing outside the hosted layers. A parameter without a momentum tensor gets none (as before SGD's first step).
    /// </summary>
    public int Restore(long step, IReadOnlyDictionary<StateKey, StateTensor> state)
    {
        lock (_gate)
        {
            var known = _parameters.ToDictionary(p => (p.Layer, p.Name), p => p.Parameter);
            foreach (var (key, tensor) in state)
            {
                if (key.Layer < First || key.Layer > Last)
                    throw FrameRules.Invalid($"layer: stage {Stage} hosts layers {First}..{Last}; {key} is not one of them");
                if (!known.TryGetValue((key.Layer, key.Name), out var parameter))
                    throw FrameRules.Invalid($"name: layer {key.Layer} has no parameter '{key.Name}' (it has {string.Join(", ", _parameters.Where(p => p.Layer == key.Layer).Select(p => p.Name))})");
                if (TensorCodec.ScalarTypeOf(tensor.DType) != parameter.dtype)
                    throw FrameRules.Invalid($"dtype: {key} is {parameter.dtype} on this worker, the state gives {tensor.DType}");
                if (!tensor.Shape.SequenceEqual(parameter.shape))
                    throw FrameRules.Invalid($"shape: {key} is [{string.Join(", ", parameter.shape)}], the state gives [{string.Join(", ", tensor.Shape)}]");
            }
            var missing = _parameters.Where(p => !state.ContainsKey(new StateKey(p.Layer, p.Name, StateSlot.Parameter))).Select(p => $"layer {p.Layer} {p.Name}").ToArray();
            if (missing.Length > 0) throw FrameRules.Invalid($"name: the state lacks {string.Join(", ", missing)} of stage {Stage}");

            foreach (var inFlight in _inFlight.Values) inFlight.Dispose();
            _inFlight.Clear();
            Inbox.Clear();
            _microBatches = 0;
            var momentum = Momentum();
            using (no_grad())
            {
                for (var i = 0; i < _parameters.Count; i++)
                {
                    var (layer, name, parameter) = _parameters[i];
                    using (var values = TensorCodec.ToTensor(state[new StateKey(layer, name, StateSlot.Parameter)].ToFrame())) parameter.copy_(values);
                    if (momentum[i] is not { } slot) continue;
                    slot.momentum_buffer?.Dispose();
                    slot.momentum_buffer = state.TryGetValue(new StateKey(layer, name, StateSlot.Momentum), out var buffer)
                        ? TensorCodec.ToTensor(buffer.ToFrame()).DetachFromDisposeScope()
                        : null;
                }
            }
            _optimizer?.zero_grad();
            CurrentStep = step;
            return state.Count;
        }
    }

    // SGD's per-parameter state, in the order of _parameters (TorchSharp's state_dict keeps the parameters' order).
    private TorchSharp.Modules.SGD.State?[] Momentum() => _optimizer is null
        ? new TorchSharp.Modules.SGD.State?[_parameters.Count]
        : _optimizer.state_dict().State.Select(s => s as TorchSharp.Modules.SGD.State).ToArray();

    // A slower device, emulated (tests of drift re-planning): the delay counts as compute time.
    private void EmulateSlowDevice()
    {
        if (_computeDelay > TimeSpan.Zero) Thread.Sleep(_computeDelay);
    }

    private void CheckStep(FrameHeader header)
    {
        FrameRules.CheckAddress(header);
        if (header.Step != CurrentStep) throw FrameRules.Invalid($"step: stage {Stage} is at step {CurrentStep}, the frame is for step {header.Step}");
        if (_inFlight.Count > 0 && header.MicroBatches != _microBatches)
            throw FrameRules.Invalid($"micro_batches: step {header.Step} has {_microBatches} micro-batches, the frame says {header.MicroBatches}");
    }

    private void CheckLabels(FrameHeader header, Tensor output)
    {
        if (header.Dtype != DType.Int64) throw FrameRules.Invalid($"dtype: stage {Stage} computes the loss and takes int64 labels, not {header.Dtype}");
        if (header.Shape.Count != 1 || header.Shape[0] != output.shape[0])
            throw FrameRules.Invalid($"shape: stage {Stage} expects labels of shape [{output.shape[0]}], not [{string.Join(", ", header.Shape)}]");
        if (!(header.LossWeight > 0 && header.LossWeight <= 1))
            throw FrameRules.Invalid($"loss_weight: {header.LossWeight} is not a share of the mini-batch (0 < weight <= 1)");
    }

    private void CheckGradient(FrameHeader header, Tensor output)
    {
        if (TensorCodec.WireType(output.dtype) != header.Dtype)
            throw FrameRules.Invalid($"dtype: stage {Stage}'s output is {TensorCodec.WireType(output.dtype)}, the gradient frame is {header.Dtype}");
        if (!header.Shape.SequenceEqual(output.shape))
            throw FrameRules.Invalid($"shape: stage {Stage}'s output is [{string.Join(", ", output.shape)}], the gradient frame is [{string.Join(", ", header.Shape)}]");
    }

    private TensorFrame InputGradientFrame(ModelStage stage, FrameHeader header)
    {
        if (stage.IsFirst) return TensorFrame.Empty(header.Step, header.MicroBatch, header.MicroBatches, Stage);
        using var gradient = stage.InputGradient() ?? throw new InvalidOperationException($"stage {Stage} has no input gradient after its backward");
        return TensorCodec.ToFrame(gradient, header.Step, header.MicroBatch, header.MicroBatches, Stage);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var stage in _inFlight.Values) stage.Dispose();
            _inFlight.Clear();
            // Cancels the sends under way and drops the queued ones: a replaced segment sends nothing more.
            foreach (var outbox in Outboxes) outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Inbox.Clear();
            _optimizer?.Dispose();
            (_model as IDisposable)?.Dispose();
        }
    }
}
