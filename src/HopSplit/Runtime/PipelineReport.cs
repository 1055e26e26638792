using System.Globalization;
using System.Text;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Runtime;

/// <summary>One stage's times: what the cost model says, what the simulator and the runtime measured.</summary>
/// <param name="Resource">"node phone" or "link phone->ap".</param>
/// <param name="Kind">Compute or link.</param>
/// <param name="ModeledForwardSeconds">F of one full micro-batch (MODEL.md section 4).</param>
/// <param name="ModeledBackwardSeconds">G of one full micro-batch.</param>
/// <param name="MeasuredForwardSeconds">Median measured duration of a full micro-batch's forward task.</param>
/// <param name="MeasuredBackwardSeconds">Median measured duration of a full micro-batch's backward task.</param>
/// <param name="SimulatedBusySeconds">Seconds the simulator keeps the stage busy in one step.</param>
/// <param name="MeasuredBusySeconds">Median seconds the stage was busy in one measured step.</param>
/// <param name="WorkShare">Median share of a compute task spent on real tensor work rather than emulation waiting (0 for links).</param>
public sealed record StageReport(
    string Resource, StageKind Kind,
    double ModeledForwardSeconds, double ModeledBackwardSeconds,
    double MeasuredForwardSeconds, double MeasuredBackwardSeconds,
    double SimulatedBusySeconds, double MeasuredBusySeconds, double WorkShare);

/// <summary>
/// Measured against predicted for a run of training steps: per stage and per step, the planning formula,
/// the simulator's makespan and the measured medians. Steps are compared only when they hold a full
/// mini-batch (a smaller last batch of an epoch has other micro-batch sizes).
/// </summary>
public sealed class PipelineReport
{
    private PipelineReport(ScheduleKind schedule, int steps, double formula, SimulationResult simulated, double measured,
        double measuredWall, IReadOnlyList<StageReport> stages, int overran, int computeTasks)
    {
        Schedule = schedule;
        Steps = steps;
        FormulaSeconds = formula;
        Simulated = simulated;
        MeasuredSeconds = measured;
        MeasuredWallSeconds = measuredWall;
        Stages = stages;
        OverranTasks = overran;
        ComputeTasks = computeTasks;
    }

    /// <summary>The schedule the steps ran.</summary>
    public ScheduleKind Schedule { get; }

    /// <summary>How many full steps were measured.</summary>
    public int Steps { get; }

    /// <summary>T of MODEL.md section 5: what the planner minimized.</summary>
    public double FormulaSeconds { get; }

    /// <summary>The simulator's run of one full mini-batch under the schedule.</summary>
    public SimulationResult Simulated { get; }

    /// <summary>The simulator's makespan of one full mini-batch.</summary>
    public double SimulatedSeconds => Simulated.MakespanSeconds;

    /// <summary>Median measured makespan of a step (first task's start to last task's end).</summary>
    public double MeasuredSeconds { get; }

    /// <summary>Median measured wall time of a step, with the optimizer steps and hand-offs.</summary>
    public double MeasuredWallSeconds { get; }

    /// <summary>Measured over simulated makespan: 1 means the runtime ran the schedule exactly.</summary>
    public double MeasuredOverSimulated => MeasuredSeconds / SimulatedSeconds;

    /// <summary>Every stage in pipeline order.</summary>
    public IReadOnlyList<StageReport> Stages { get; }

    /// <summary>Compute tasks whose real work took longer than the emulated device: the host could not keep up.</summary>
    public int OverranTasks { get; }

    /// <summary>Compute tasks measured, for the share of <see cref="OverranTasks"/>.</summary>
    public int ComputeTasks { get; }

    /// <summary>Builds the report of <paramref name="steps"/> (warm-up steps should be left out by the caller).</summary>
    /// <exception cref="ArgumentException">No step held a full mini-batch.</exception>
    public static PipelineReport Build(PipelineLayout layout, ScheduleKind schedule, IReadOnlyList<StepResult> steps)
    {
        var batch = layout.Problem.BatchSize;
        var full = steps.Where(s => s.MicroBatchSizes.Sum() == batch).ToArray();
        if (full.Length == 0) throw new ArgumentException($"no step held a full mini-batch of {batch} samples", nameof(steps));
        var b = layout.MicroBatchSize;
        var simulated = layout.Simulate(layout.MicroBatchSizes(batch), schedule);
        var stages = layout.Stages.Select(stage =>
        {
            var modeled = layout.ModeledTime(stage, b);
            var tasks = full.SelectMany(s => s.Tasks.Where(t => t.Task.StageIndex == stage.Index)).ToArray();
            var fullSize = tasks.Where(t => full[0].MicroBatchSizes[t.Task.MicroBatch] == b).ToArray();
            double MedianOf(TaskDirection direction) => Median.Of(fullSize.Where(t => t.Task.Direction == direction).Select(t => t.Task.DurationSeconds));
            var busy = full.Select(s => s.Tasks.Where(t => t.Task.StageIndex == stage.Index).Sum(t => t.Task.DurationSeconds));
            var workShare = stage.Kind == StageKind.Compute ? Median.Of(tasks.Select(t => t.WorkSeconds / Math.Max(t.Task.DurationSeconds, 1e-12))) : 0;
            return new StageReport(stage.ResourceName, stage.Kind, modeled.Forward, modeled.Backward,
                MedianOf(TaskDirection.Forward), MedianOf(TaskDirection.Backward),
                simulated.Resources[stage.Index].BusySeconds, Median.Of(busy), workShare);
        }).ToArray();
        return new PipelineReport(schedule, full.Length, layout.FormulaSeconds(), simulated,
            Median.Of(full.Select(s => s.MakespanSeconds)), Median.Of(full.Select(s => s.WallSeconds)), stages,
            full.Sum(s => s.Tasks.Count(t => t.Overran && layout.Stages[t.Task.StageIndex].Kind == StageKind.Compute)),
            full.Sum(s => s.Tasks.Count(t => layout.Stages[t.Task.StageIndex].Kind == StageKind.Compute)));
    }

    /// <summary>A plain-text table of the report, for logs and terminals.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var ms = (double seconds) => (seconds * 1e3).ToString("F2", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"{ScheduleNames.Name(Schedule)}, {Steps} steps measured (times in ms; F and G of one micro-batch)");
        text.AppendLine($"{"stage",-24} {"F model",9} {"F meas.",9} {"G model",9} {"G meas.",9} {"busy sim.",10} {"busy meas.",10} {"work",6}");
        foreach (var s in Stages)
        {
            var work = s.Kind == StageKind.Compute ? (s.WorkShare * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-";
            text.AppendLine($"{s.Resource,-24} {ms(s.ModeledForwardSeconds),9} {ms(s.MeasuredForwardSeconds),9} {ms(s.ModeledBackwardSeconds),9} {ms(s.MeasuredBackwardSeconds),9} {ms(s.SimulatedBusySeconds),10} {ms(s.MeasuredBusySeconds),10} {work,6}");
        }
        // The columns' meaning, once, so the table reads without the docs.
        text.AppendLine("(model: the plan's costs; meas.: median measured on the emulated devices; busy: the stage's time in one step; " +
                        "work: the share of a compute task spent on real tensor work, the rest is waiting to match the emulated device's speed)");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"step: formula {ms(FormulaSeconds)}, simulated {ms(SimulatedSeconds)}, measured {ms(MeasuredSeconds)} (median; {MeasuredOverSimulated:F3}x simulated), wall clock with optimizer steps {ms(MeasuredWallSeconds)}");
        if (OverranTasks > 0)
        {
            // A few overruns are the machine's noise (another process took the core); many mean the emulated
            // devices are too fast for this machine and the measured times say more about the host than the plan.
            var share = (double)OverranTasks / Math.Max(1, ComputeTasks);
            var advice = share > 0.01 ? "warning: the emulated devices are too fast for this machine; declare slower devices or run fewer at once" : "noise";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{OverranTasks} of {ComputeTasks} compute tasks ({share:P2}) took longer on this machine than on the emulated device ({advice})");
        }
        return text.ToString();
    }
}
