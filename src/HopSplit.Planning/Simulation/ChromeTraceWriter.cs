using System.Text.Encodings.Web;
using System.Text.Json;

namespace HopSplit.Planning.Simulation;

/// <summary>
/// Writes a simulation as Chrome trace event JSON, which Perfetto and chrome://tracing load: one
/// track per resource, one complete ("X") event per task, times in microseconds.
/// </summary>
public static class ChromeTraceWriter
{
    private const int ProcessId = 1;
    private const double MicrosecondsPerSecond = 1e6;

    /// <summary>Writes the trace to a file, replacing it if it exists.</summary>
    /// <param name="result">The simulation to draw.</param>
    /// <param name="path">Where to write the JSON.</param>
    public static void Write(SimulationResult result, string path)
    {
        using var file = File.Create(path);
        Write(result, file);
    }

    /// <summary>Writes the trace to a stream, which is left open.</summary>
    /// <param name="result">The simulation to draw.</param>
    /// <param name="stream">Where to write the JSON (UTF-8).</param>
    public static void Write(SimulationResult result, Stream stream)
    {
        // Relaxed escaping keeps "phone->ap" readable; the file is never embedded in HTML.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");

        WriteMetadata(json, "process_name", ThreadOf(0), "name", $"HopSplit {ScheduleNames.Name(result.Schedule)} simulation");
        foreach (var resource in result.Resources)
        {
            WriteMetadata(json, "thread_name", ThreadOf(resource.StageIndex), "name", resource.ResourceName);
            // Keeps the tracks in pipeline order instead of alphabetical order.
            WriteMetadata(json, "thread_sort_index", ThreadOf(resource.StageIndex), "sort_index", resource.StageIndex);
        }
        foreach (var task in result.Timeline) WriteTask(json, task);

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    // tid 0 is avoided because some viewers treat it as "no thread".
    private static int ThreadOf(int stageIndex) => stageIndex + 1;

    private static void WriteTask(Utf8JsonWriter json, ScheduledTask task)
    {
        var forward = task.Direction == TaskDirection.Forward;
        json.WriteStartObject();
        json.WriteString("name", $"{(forward ? 'F' : 'B')}{task.MicroBatch}");
        json.WriteString("cat", forward ? "forward" : "backward");
        json.WriteString("ph", "X");
        json.WriteNumber("ts", task.StartSeconds * MicrosecondsPerSecond);
        json.WriteNumber("dur", task.DurationSeconds * MicrosecondsPerSecond);
        json.WriteNumber("pid", ProcessId);
        json.WriteNumber("tid", ThreadOf(task.StageIndex));
        json.WriteStartObject("args");
        json.WriteNumber("stage", task.StageIndex);
        json.WriteNumber("microBatch", task.MicroBatch);
        json.WriteString("direction", forward ? "forward" : "backward");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter json, string name, int thread, string argName, string value)
    {
        WriteMetadataStart(json, name, thread);
        json.WriteString(argName, value);
        WriteMetadataEnd(json);
    }

    private static void WriteMetadata(Utf8JsonWriter json, string name, int thread, string argName, int value)
    {
        WriteMetadataStart(json, name, thread);
        json.WriteNumber(argName, value);
        WriteMetadataEnd(json);
    }

    private static void WriteMetadataStart(Utf8JsonWriter json, string name, int thread)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", ProcessId);
        json.WriteNumber("tid", thread);
        json.WriteStartObject("args");
    }

    private static void WriteMetadataEnd(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
