using System.Text.Encodings.Web;
using System.Text.Json;

namespace HopSplit.Planning.Simulation;

/// <summary>A timeline to draw: a title, the name of every stage's lane in pipeline order, and its tasks.</summary>
/// <param name="Title">Such as "gpipe simulation" or "measured, step 12".</param>
/// <param name="Lanes">Lanes[i] names stage i, such as "node phone" or "link phone->ap".</param>
/// <param name="Tasks">The tasks; each one's StageIndex picks its lane.</param>
public sealed record TraceTimeline(string Title, IReadOnlyList<string> Lanes, IReadOnlyList<ScheduledTask> Tasks)
{
    /// <summary>The simulator's timeline of a schedule.</summary>
    public static TraceTimeline Of(SimulationResult result) => new(
        $"HopSplit {ScheduleNames.Name(result.Schedule)} simulation",
        result.Resources.Select(r => r.ResourceName).ToArray(),
        result.Timeline);
}

/// <summary>
/// Writes timelines as Chrome trace event JSON, which Perfetto and chrome://tracing load: one process
/// per timeline (for example simulated and measured), one track per resource, one complete ("X") event
/// per task, times in microseconds.
/// </summary>
public static class ChromeTraceWriter
{
    private const double MicrosecondsPerSecond = 1e6;

    /// <summary>Writes the trace to a file, replacing it if it exists.</summary>
    /// <param name="result">The simulation to draw.</param>
    /// <param name="path">Where to write the JSON.</param>
    public static void Write(SimulationResult result, string path) => Write([TraceTimeline.Of(result)], path);

    /// <summary>Writes several timelines (one process each, in order) to a file, replacing it if it exists.</summary>
    /// <param name="timelines">The timelines to draw.</param>
    /// <param name="path">Where to write the JSON.</param>
    public static void Write(IReadOnlyList<TraceTimeline> timelines, string path)
    {
        using var file = File.Create(path);
        Write(timelines, file);
    }

    /// <summary>Writes the trace to a stream, which is left open.</summary>
    /// <param name="result">The simulation to draw.</param>
    /// <param name="stream">Where to write the JSON (UTF-8).</param>
    public static void Write(SimulationResult result, Stream stream) => Write([TraceTimeline.Of(result)], stream);

    /// <summary>Writes several timelines (one process each, in order) to a stream, which is left open.</summary>
    /// <param name="timelines">The timelines to draw.</param>
    /// <param name="stream">Where to write the JSON (UTF-8).</param>
    public static void Write(IReadOnlyList<TraceTimeline> timelines, Stream stream)
    {
        foreach (var timeline in timelines)
        {
            var outside = timeline.Tasks.FirstOrDefault(t => t.StageIndex < 0 || t.StageIndex >= timeline.Lanes.Count);
            if (outside != default)
                throw new ArgumentException($"'{timeline.Title}': task {outside} is on stage {outside.StageIndex}, which has no lane", nameof(timelines));
        }
        // Relaxed escaping keeps "phone->ap" readable; the file is never embedded in HTML.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");

        for (var t = 0; t < timelines.Count; t++)
        {
            var timeline = timelines[t];
            var process = t + 1;
            WriteMetadata(json, "process_name", process, ThreadOf(0), "name", timeline.Title);
            WriteMetadata(json, "process_sort_index", process, ThreadOf(0), "sort_index", t);
            for (var stage = 0; stage < timeline.Lanes.Count; stage++)
            {
                WriteMetadata(json, "thread_name", process, ThreadOf(stage), "name", timeline.Lanes[stage]);
                // Keeps the tracks in pipeline order instead of alphabetical order.
                WriteMetadata(json, "thread_sort_index", process, ThreadOf(stage), "sort_index", stage);
            }
            foreach (var task in timeline.Tasks) WriteTask(json, process, task);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    // tid 0 is avoided because some viewers treat it as "no thread".
    private static int ThreadOf(int stageIndex) => stageIndex + 1;

    private static void WriteTask(Utf8JsonWriter json, int process, ScheduledTask task)
    {
        var forward = task.Direction == TaskDirection.Forward;
        json.WriteStartObject();
        json.WriteString("name", $"{(forward ? 'F' : 'B')}{task.MicroBatch}");
        json.WriteString("cat", forward ? "forward" : "backward");
        json.WriteString("ph", "X");
        json.WriteNumber("ts", task.StartSeconds * MicrosecondsPerSecond);
        json.WriteNumber("dur", task.DurationSeconds * MicrosecondsPerSecond);
        json.WriteNumber("pid", process);
        json.WriteNumber("tid", ThreadOf(task.StageIndex));
        json.WriteStartObject("args");
        json.WriteNumber("stage", task.StageIndex);
        json.WriteNumber("microBatch", task.MicroBatch);
        json.WriteString("direction", forward ? "forward" : "backward");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter json, string name, int process, int thread, string argName, string value)
    {
        WriteMetadataStart(json, name, process, thread);
        json.WriteString(argName, value);
        WriteMetadataEnd(json);
    }

    private static void WriteMetadata(Utf8JsonWriter json, string name, int process, int thread, string argName, int value)
    {
        WriteMetadataStart(json, name, process, thread);
        json.WriteNumber(argName, value);
        WriteMetadataEnd(json);
    }

    private static void WriteMetadataStart(Utf8JsonWriter json, string name, int process, int thread)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", process);
        json.WriteNumber("tid", thread);
        json.WriteStartObject("args");
    }

    private static void WriteMetadataEnd(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
