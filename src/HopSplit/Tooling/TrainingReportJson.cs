using System.Text.Json.Nodes;
using HopSplit.Runtime;

namespace HopSplit.Tooling;

/// <summary>The numbers a training run ends with, as the JSON <c>hopsplit train</c> prints and renders.</summary>
public static class TrainingReportJson
{
    /// <summary>Losses, accuracy and what was run; the callers add their measured times.</summary>
    public static JsonObject Common(string mode, IReadOnlyList<double> losses, (double Accuracy, long Samples)? accuracy) => new()
    {
        ["mode"] = mode,
        ["steps"] = losses.Count,
        ["firstLoss"] = losses[0],
        ["finalLoss"] = losses[^1],
        ["losses"] = new JsonArray(losses.Select(l => (JsonNode?)l).ToArray()),
        ["testAccuracy"] = accuracy?.Accuracy,
        ["testSamples"] = accuracy?.Samples,
    };

    /// <summary>The in-process run's measured against predicted times, per step and per stage.</summary>
    public static void AddPipelineReport(JsonObject json, PipelineReport report)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(report);
        json["measuredSteps"] = report.Steps;
        json["formulaSeconds"] = report.FormulaSeconds;
        json["simulatedSeconds"] = report.SimulatedSeconds;
        json["measuredSeconds"] = report.MeasuredSeconds;
        json["measuredWallSeconds"] = report.MeasuredWallSeconds;
        json["measuredOverSimulated"] = report.MeasuredOverSimulated;
        json["overranTasks"] = report.OverranTasks;
        json["computeTasks"] = report.ComputeTasks;
        json["stages"] = new JsonArray(report.Stages.Select(s => (JsonNode?)new JsonObject
        {
            ["stage"] = s.Resource,
            ["modeledForwardSeconds"] = s.ModeledForwardSeconds,
            ["measuredForwardSeconds"] = s.MeasuredForwardSeconds,
            ["modeledBackwardSeconds"] = s.ModeledBackwardSeconds,
            ["measuredBackwardSeconds"] = s.MeasuredBackwardSeconds,
            ["simulatedBusySeconds"] = s.SimulatedBusySeconds,
            ["measuredBusySeconds"] = s.MeasuredBusySeconds,
        }).ToArray());
    }
}
