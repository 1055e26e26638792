using System.Collections.Concurrent;
using HopSplit.Planning.Simulation;

namespace HopSplit.Runtime;

/// <summary>
/// One pipeline stage's worker (an emulated device or link) that runs its tasks of each step in the schedule's
/// order, waiting for its neighbours through <see cref="StageChannel"/>s. Every stage but the first has a
/// thread of its own; the first stage runs on the thread that calls the trainer, which would otherwise only
/// wait, so a one-stage pipeline hands nothing over between threads.
/// </summary>
internal abstract class StageWorker : IDisposable
{
    private readonly BlockingCollection<StepRun> _steps = new();
    private readonly Thread? _thread;

    protected StageWorker(PipelineStage stage, StageLinks links, bool emulate)
    {
        Stage = stage;
        Links = links;
        Emulate = emulate;
        if (stage.Index == 0) return;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"hopsplit {stage.ResourceName}" };
        _thread.Start();
    }

    public PipelineStage Stage { get; }

    protected StageLinks Links { get; }

    protected bool Emulate { get; }

    /// <summary>True when the worker runs on a thread of its own; false for the first stage, run by the caller.</summary>
    public bool HasThread => _thread is not null;

    /// <summary>Hands the worker its part of a step; it signals <see cref="StepRun.StageDone"/> when finished.</summary>
    public void Start(StepRun step) => _steps.Add(step);

    /// <summary>Runs the worker's part of a step on the calling thread (the first stage's worker).</summary>
    public void RunHere(StepRun step) => RunStep(step);

    /// <summary>Runs one task: waits for its input, does the work, then calls <see cref="Finish"/>.</summary>
    protected abstract void RunTask(StepRun step, PipelineTask task);

    /// <summary>Forgets what a failed step left in flight.</summary>
    protected virtual void Reset() { }

    /// <summary>Records a task that started at <paramref name="start"/> after waiting until its modeled end.</summary>
    protected void Finish(StepRun step, PipelineTask task, double start, double workSeconds, double modeledSeconds)
    {
        if (Emulate) step.Clock.WaitUntil(start + modeledSeconds, step.Cancellation);
        var end = step.Clock.Now;
        step.Record(Stage.Index, new MeasuredTask(
            new ScheduledTask(Stage.Id, Stage.Index, task.Direction, task.MicroBatch, start, end),
            workSeconds, Emulate ? modeledSeconds : 0));
    }

    private void Loop()
    {
        foreach (var step in _steps.GetConsumingEnumerable()) RunStep(step);
    }

    private void RunStep(StepRun step)
    {
        PipelineTask? current = null;
        try
        {
            foreach (var task in step.Orders[Stage.Index])
            {
                current = task;
                RunTask(step, task);
            }
        }
        catch (Exception error)
        {
            step.Fail(Stage, current, error);
            Reset();
        }
        finally
        {
            step.StageDone();
        }
    }

    public void Dispose()
    {
        _steps.CompleteAdding();
        _thread?.Join();
        _steps.Dispose();
        Reset();
    }
}

/// <summary>The channels a stage reads from and writes to; null at the ends of the pipeline.</summary>
internal sealed record StageLinks(StageChannel? ForwardIn, StageChannel? ForwardOut, StageChannel? BackwardIn, StageChannel? BackwardOut);
