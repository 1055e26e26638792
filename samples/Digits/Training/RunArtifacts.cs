using System.Text.Json;
using HopSplit.Charts;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;

namespace HopSplit.Samples.Digits.Training;

/// <summary>The files the main job leaves behind: the timeline as a PNG and a Chrome trace, and the summary JSON.</summary>
public static class RunArtifacts
{
    /// <summary>Planned (simulated) and measured timelines of the median pipelined step, as a PNG Gantt chart and a trace.</summary>
    public static (string Png, string Trace) WriteTimeline(PipelineRunResult run, string folder)
    {
        Directory.CreateDirectory(folder);
        var png = Path.GetFullPath(Path.Combine(folder, "timeline.png"));
        var trace = Path.GetFullPath(Path.Combine(folder, "timeline.trace.json"));
        var simulated = run.Report.Simulated;
        var measured = run.MedianStep.Timeline;
        PipelineTimelineChart.WritePng(png, simulated, measured,
            new TimelineChartOptions($"DigitNet, {ScheduleNames.Name(run.Report.Schedule)}: planned (light) and measured (dark), median step"));
        var lanes = run.Layout.Stages.Select(s => s.ResourceName).ToArray();
        ChromeTraceWriter.Write([TraceTimeline.Of(simulated), new TraceTimeline("HopSplit measured (median step)", lanes, measured)], trace);
        return (png, trace);
    }

    /// <summary>The run's numbers for scripts: predicted, simulated and measured times, speedups, accuracy, the plan.</summary>
    public static void WriteSummary(DigitsTrainingOutcome outcome, string path)
    {
        var pipelined = outcome.Pipelined.Report;
        var summary = new
        {
            schedule = ScheduleNames.Name(pipelined.Schedule),
            batchSize = outcome.Plan.BatchSize,
            microBatchSize = outcome.Plan.MicroBatchSize,
            microBatches = outcome.Plan.MicroBatches,
            path = outcome.Plan.Path,
            segments = outcome.Plan.Segments.Select(s => new
            {
                node = s.Node,
                firstLayer = s.FirstLayer,
                lastLayer = s.LastLayer,
                layers = DigitNet.Costs.Layers.Skip(s.FirstLayer).Take(s.LastLayer - s.FirstLayer + 1).Select(l => l.Name),
            }),
            predictedSeconds = outcome.Plan.LatencySeconds,
            simulatedSeconds = pipelined.SimulatedSeconds,
            measuredSeconds = pipelined.MeasuredSeconds,
            measuredWallSeconds = pipelined.MeasuredWallSeconds,
            sequentialPredictedSeconds = outcome.SequentialPlan.LatencySeconds,
            sequentialSimulatedSeconds = outcome.Sequential.Report.SimulatedSeconds,
            sequentialMeasuredSeconds = outcome.Sequential.Report.MeasuredSeconds,
            predictedSpeedup = outcome.PredictedSpeedup,
            simulatedSpeedup = outcome.SimulatedSpeedup,
            measuredSpeedup = outcome.MeasuredSpeedup,
            testAccuracy = outcome.TestAccuracy,
            finalLoss = outcome.Pipelined.FinalLoss,
            steps = pipelined.Steps,
            sequentialSteps = outcome.Sequential.Report.Steps,
            overranTasks = pipelined.OverranTasks,
            elapsedSeconds = outcome.Elapsed.TotalSeconds,
            stages = pipelined.Stages.Select(s => new
            {
                resource = s.Resource,
                modeledForwardSeconds = s.ModeledForwardSeconds,
                measuredForwardSeconds = s.MeasuredForwardSeconds,
                modeledBackwardSeconds = s.ModeledBackwardSeconds,
                measuredBackwardSeconds = s.MeasuredBackwardSeconds,
                simulatedBusySeconds = s.SimulatedBusySeconds,
                measuredBusySeconds = s.MeasuredBusySeconds,
            }),
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }
}
