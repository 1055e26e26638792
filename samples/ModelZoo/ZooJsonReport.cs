using System.Text.Json;
using HopSplit.Planning;
using HopSplit.Planning.Simulation;

namespace HopSplit.Samples.ModelZoo;

/// <summary>Writes a <see cref="ZooAnalysis"/> as JSON for scripts (and the sample's tests).</summary>
public static class ZooJsonReport
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string Serialize(ZooAnalysis analysis) => JsonSerializer.Serialize(new
    {
        model = analysis.Model.Key,
        layers = analysis.Model.CostTable.Count,
        parameters = analysis.Model.Parameters,
        forwardFlops = analysis.Model.ForwardFlops,
        plan = new
        {
            algorithm = analysis.Plan.Algorithm,
            batchSize = analysis.Plan.BatchSize,
            microBatchSize = analysis.Plan.MicroBatchSize,
            microBatches = analysis.Plan.MicroBatches,
            latencySeconds = analysis.Plan.LatencySeconds,
            path = analysis.Plan.Path,
            segments = analysis.Plan.Segments.Select(s => new { node = s.Node, firstLayer = s.FirstLayer, lastLayer = s.LastLayer }),
            stages = analysis.Plan.Stages.Select(s => new
            {
                kind = s.Kind == StageKind.Link ? "link" : "compute",
                id = s.Id,
                forwardSeconds = s.ForwardSeconds,
                backwardSeconds = s.BackwardSeconds,
            }),
            bottleneck = analysis.Plan.Bottleneck.Id,
        },
        sequentialLatencySeconds = analysis.Sequential.LatencySeconds,
        predictedSpeedup = analysis.PredictedSpeedup,
        lowerBoundSeconds = analysis.LowerBound.Seconds,
        schedules = analysis.Schedules.Select(r => new
        {
            schedule = ScheduleNames.Name(r.Schedule),
            makespanSeconds = r.MakespanSeconds,
            sequentialSeconds = r.SequentialSeconds,
            speedup = r.Speedup,
        }),
    }, Options);
}
