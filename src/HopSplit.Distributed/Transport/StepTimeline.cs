using System.Collections.Concurrent;
using System.Diagnostics;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// The time base of one distributed step and the record of its tasks, shared by the coordinator's segment and
/// link loops; also the wait that paces an emulated link or node.
/// </summary>
internal sealed class StepTimeline
{
    // Task.Delay wakes up to a few milliseconds late; the last stretch is spun instead (as EmulatedClock does in process).
    private const double SpinSeconds = 0.002;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<MeasuredTask> _tasks = new();

    /// <summary>Seconds since the step began.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Every task recorded so far, in order of start.</summary>
    public IReadOnlyList<MeasuredTask> Tasks => _tasks.OrderBy(t => t.Task.StartSeconds).ThenBy(t => t.Task.StageIndex).ToArray();

    /// <summary>Records a task of <paramref name="stage"/> that ran from <paramref name="start"/> until now.</summary>
    public void Record(PipelineStage stage, TaskDirection direction, int microBatch, double start, double workSeconds, double modeledSeconds) =>
        _tasks.Add(new MeasuredTask(new ScheduledTask(stage.Id, stage.Index, direction, microBatch, start, Now), workSeconds, modeledSeconds));

    /// <summary>Waits until <paramref name="deadline"/> seconds into the step (at once if it has passed).</summary>
    public async Task WaitUntilAsync(double deadline, CancellationToken cancellation)
    {
        var remaining = deadline - Now;
        if (remaining > SpinSeconds) await Task.Delay(TimeSpan.FromSeconds(remaining - SpinSeconds), cancellation).ConfigureAwait(false);
        var spinner = new SpinWait();
        while (Now < deadline)
        {
            cancellation.ThrowIfCancellationRequested();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
