using HopSplit.Planning.Simulation;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// One training step as every stage worker sees it: the micro-batches, each stage's task order, the shared
/// clock, where measurements go, and how a failure in one stage stops the others.
/// </summary>
internal sealed class StepRun : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CountdownEvent _remaining;
    private readonly List<MeasuredTask>[] _tasks;
    private readonly double[] _losses;
    private StageFailure? _failure;

    public StepRun(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> labels, IReadOnlyList<int> sizes,
        IReadOnlyList<PipelineTask>[] orders, EmulatedClock clock)
    {
        Inputs = inputs;
        Labels = labels;
        Sizes = sizes;
        Samples = sizes.Sum();
        Orders = orders;
        Clock = clock;
        _remaining = new CountdownEvent(orders.Length);
        _tasks = orders.Select(o => new List<MeasuredTask>(o.Count)).ToArray();
        _losses = new double[sizes.Count];
    }

    /// <summary>Each micro-batch's input samples (views of the mini-batch).</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>Each micro-batch's labels.</summary>
    public IReadOnlyList<Tensor> Labels { get; }

    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The mini-batch size: the sum of the micro-batch sizes.</summary>
    public int Samples { get; }

    /// <summary>Orders[s]: the tasks stage s runs, in its schedule's order.</summary>
    public IReadOnlyList<PipelineTask>[] Orders { get; }

    public EmulatedClock Clock { get; }

    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Written by the last compute stage only, one slot per micro-batch.</summary>
    public void RecordLoss(int microBatch, double loss) => _losses[microBatch] = loss;

    /// <summary>Each stage writes only its own list, so no lock is needed.</summary>
    public void Record(int stage, MeasuredTask task) => _tasks[stage].Add(task);

    /// <summary>Called by each worker when its part of the step ends, well or not.</summary>
    public void StageDone() => _remaining.Signal();

    /// <summary>Keeps the first real failure and stops the other stages (their cancellations are not the cause).</summary>
    public void Fail(PipelineStage stage, PipelineTask? task, Exception error)
    {
        if (error is OperationCanceledException && _cancellation.IsCancellationRequested) return;
        Interlocked.CompareExchange(ref _failure, new StageFailure(stage, task, error), null);
        _cancellation.Cancel();
    }

    public StageFailure? WaitForAll()
    {
        _remaining.Wait();
        return _failure;
    }

    /// <summary>The mini-batch's mean loss: each micro-batch's mean weighted by its share of the samples.</summary>
    public double MeanLoss() => _losses.Select((loss, m) => loss * Sizes[m]).Sum() / Samples;

    public IReadOnlyList<MeasuredTask> AllTasks() =>
        _tasks.SelectMany(t => t).OrderBy(t => t.Task.StartSeconds).ThenBy(t => t.Task.StageIndex).ToArray();

    public void Dispose()
    {
        _cancellation.Dispose();
        _remaining.Dispose();
    }
}

/// <summary>Where a step failed first.</summary>
internal sealed record StageFailure(PipelineStage Stage, PipelineTask? Task, Exception Error);
