using HopSplit.Planning.Simulation;

namespace HopSplit.Runtime;

/// <summary>One task as the runtime ran it.</summary>
/// <param name="Task">Which stage ran which pass of which micro-batch, and when (seconds from the step's start).</param>
/// <param name="WorkSeconds">Time spent on real work (tensor operations); the rest of the task was emulation waiting.</param>
/// <param name="ModeledSeconds">What the emulated device or link should take (0 without emulation).</param>
public readonly record struct MeasuredTask(ScheduledTask Task, double WorkSeconds, double ModeledSeconds)
{
    /// <summary>True when the real work took longer than the emulated device would: the host is too slow to emulate it.</summary>
    public bool Overran => ModeledSeconds > 0 && WorkSeconds > ModeledSeconds;
}

/// <summary>What one training step did and how long it took.</summary>
/// <param name="Loss">The mini-batch's mean loss (before the optimizer step).</param>
/// <param name="MakespanSeconds">From the step's start to the end of its last task: what the simulator predicts.</param>
/// <param name="WallSeconds">The whole step, optimizer step and hand-offs included.</param>
/// <param name="MicroBatchSizes">The size of every micro-batch, in order.</param>
/// <param name="Tasks">Every task of every stage, in order of start.</param>
public sealed record StepResult(
    double Loss, double MakespanSeconds, double WallSeconds, IReadOnlyList<int> MicroBatchSizes, IReadOnlyList<MeasuredTask> Tasks)
{
    /// <summary>The measured timeline, in the simulator's terms.</summary>
    public IReadOnlyList<ScheduledTask> Timeline => Tasks.Select(t => t.Task).ToArray();
}
