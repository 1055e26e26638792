using System.Diagnostics;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// Trains a model with pipelined split learning in one process: every stage of the plan (each segment on
/// its node, each link hop) is a worker with a thread of its own (the source's is the caller's); micro-batches flow through them in the schedule's order;
/// every stage steps its own optimizer once per mini-batch. With <see cref="NetworkEmulation.Modeled"/>
/// the workers take the time the network's declared speeds give, so a step takes what the plan predicts.
/// </summary>
public sealed class PipelineTrainer : IDisposable
{
    private readonly PipelineTrainerOptions _options;
    private readonly StageWorker[] _workers;
    private readonly StageChannel[] _channels;
    private readonly optim.Optimizer[] _optimizers;
    private readonly EmulatedClock _clock = new();
    private bool _faulted;
    private bool _disposed;

    private PipelineTrainer(ISplitModel model, PipelineLayout layout, PipelineTrainerOptions options)
    {
        Model = model;
        Layout = layout;
        _options = options;
        var stages = layout.Stages;
        // forward[i] carries activations from stage i to i + 1; backward[i] carries gradients from i + 1 to i.
        var forward = stages.Skip(1).Select((s, i) => new StageChannel($"activations {stages[i].ResourceName} -> {s.ResourceName}", ownsTensors: false)).ToArray();
        var backward = stages.Skip(1).Select((s, i) => new StageChannel($"gradients {s.ResourceName} -> {stages[i].ResourceName}", ownsTensors: true)).ToArray();
        _channels = forward.Concat(backward).ToArray();
        var emulate = options.Emulation == NetworkEmulation.Modeled;
        _workers = stages.Select(stage =>
        {
            var i = stage.Index;
            var links = new StageLinks(
                ForwardIn: i > 0 ? forward[i - 1] : null,
                ForwardOut: i < forward.Length ? forward[i] : null,
                BackwardIn: i < backward.Length ? backward[i] : null,
                BackwardOut: i > 0 ? backward[i - 1] : null);
            return stage.Kind == StageKind.Link
                ? (StageWorker)new LinkStageWorker(stage, links, emulate, layout.Problem.Network.Links[stage.Ref.Link])
                : new ComputeStageWorker(stage, links, emulate, model, layout, options.Loss);
        }).ToArray();
        _optimizers = layout.ComputeStages
            .Select(stage => StageParameters(model, stage))
            .Where(parameters => parameters.Count > 0)
            .Select(parameters => options.CreateOptimizer(parameters))
            .ToArray();
    }

    /// <summary>The model being trained (its layers are shared by the stages).</summary>
    public ISplitModel Model { get; }

    /// <summary>The stages and the cost model they were built from.</summary>
    public PipelineLayout Layout { get; }

    /// <summary>The schedule every stage follows.</summary>
    public ScheduleKind Schedule => _options.Schedule;

    /// <summary>Builds the stages of <paramref name="layout"/> for <paramref name="model"/> and starts their workers.</summary>
    /// <exception cref="ArgumentException">The model does not have the layers the plan's cost table describes.</exception>
    public static PipelineTrainer Create(ISplitModel model, PipelineLayout layout, PipelineTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        if (model.LayerCount != layout.Problem.LayerCount)
            throw new ArgumentException(
                $"the model has {model.LayerCount} layers but the plan was made for a cost table of {layout.Problem.LayerCount}: plan with this model's cost table",
                nameof(model));
        if (options.TorchThreads is { } threads) torch.set_num_threads(threads);
        return new PipelineTrainer(model, layout, options);
    }

    /// <summary>
    /// One training step on a mini-batch: cuts it into micro-batches of the plan's size, pipelines them
    /// through the stages, then steps every stage's optimizer.
    /// </summary>
    /// <param name="inputs">The samples, batch first (any count; the plan's batch size is the usual one).</param>
    /// <param name="labels">What the loss compares the output with, batch first.</param>
    /// <exception cref="PipelineStageException">A stage failed; the message names it and the task.</exception>
    public StepResult Step(Tensor inputs, Tensor labels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted) throw new InvalidOperationException("a previous step failed; create a new trainer");
        var samples = checked((int)inputs.shape[0]);
        if (samples < 1) throw new ArgumentException("the mini-batch is empty", nameof(inputs));
        if (labels.shape[0] != samples)
            throw new ArgumentException($"{labels.shape[0]} labels for {samples} samples", nameof(labels));

        var wall = Stopwatch.StartNew();
        var sizes = Layout.MicroBatchSizes(samples);
        var inputSlices = Slices(inputs, sizes);
        var labelSlices = Slices(labels, sizes);
        var orders = Layout.Stages.Select(s => ScheduleOrder.For(_options.Schedule, s.Index, _workers.Length, sizes.Count)).ToArray();
        try
        {
            ZeroGradients();
            using var step = new StepRun(inputSlices, labelSlices, sizes, orders, _clock);
            _clock.Restart();
            foreach (var worker in _workers.Where(w => w.HasThread)) worker.Start(step);
            _workers[0].RunHere(step);
            if (step.WaitForAll() is { } failure)
            {
                _faulted = true;
                foreach (var channel in _channels) channel.Clear();
                throw new PipelineStageException(failure.Stage, failure.Task, failure.Error);
            }
            StepOptimizers();
            var tasks = step.AllTasks();
            return new StepResult(step.MeanLoss(), tasks.Max(t => t.Task.EndSeconds), wall.Elapsed.TotalSeconds, sizes, tasks);
        }
        finally
        {
            foreach (var slice in inputSlices.Concat(labelSlices)) slice.Dispose();
        }
    }

    // The optimizers make tensor handles (of the gradients) on this thread: a scope of our own releases them
    // now rather than in the caller's scope or at garbage collection.
    private void ZeroGradients()
    {
        using var scope = NewDisposeScope();
        foreach (var optimizer in _optimizers) optimizer.zero_grad();
    }

    private void StepOptimizers()
    {
        using var scope = NewDisposeScope();
        foreach (var optimizer in _optimizers) optimizer.step();
    }

    /// <summary>The parameters of a compute stage's layers, in layer order (as <see cref="ModelStage.Parameters"/> lists them).</summary>
    private static IReadOnlyList<Parameter> StageParameters(ISplitModel model, PipelineStage stage)
    {
        using var range = new ModelStage(model, stage.Ref.FirstLayer, stage.Ref.LastLayer);
        return range.Parameters().ToList();
    }

    private static Tensor[] Slices(Tensor batch, IReadOnlyList<int> sizes)
    {
        var slices = new Tensor[sizes.Count];
        var offset = 0;
        for (var m = 0; m < sizes.Count; m++)
        {
            slices[m] = batch.narrow(0, offset, sizes[m]);
            offset += sizes[m];
        }
        return slices;
    }

    /// <summary>Stops the workers and releases what they hold (not the model).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var worker in _workers) worker.Dispose();
        foreach (var channel in _channels)
        {
            channel.Clear();
            channel.Dispose();
        }
        foreach (var optimizer in _optimizers) optimizer.Dispose();
    }
}

/// <summary>A pipeline stage failed during a step.</summary>
public sealed class PipelineStageException : Exception
{
    internal PipelineStageException(PipelineStage stage, PipelineTask? task, Exception inner)
        : base($"{stage.ResourceName} failed{Describe(task)}: {inner.Message}", inner)
    {
        Stage = stage;
    }

    /// <summary>The stage that failed first.</summary>
    public PipelineStage Stage { get; }

    private static string Describe(PipelineTask? task) => task is { } t
        ? $" in the {(t.Direction == TaskDirection.Forward ? "forward" : "backward")} pass of micro-batch {t.MicroBatch}"
        : "";
}
