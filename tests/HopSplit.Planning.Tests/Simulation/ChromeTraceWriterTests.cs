using System.Text.Json;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Xunit;

namespace HopSplit.Planning.Tests.Simulation;

public class ChromeTraceWriterTests
{
    [Fact]
    public void Trace_has_one_complete_event_per_task_and_names_every_track()
    {
        var problem = Workloads.SampleProblem();
        var plan = Planner.Plan(problem, new PlannerOptions(MicroBatchSize: 8));
        var result = PipelineSimulator.Run(plan, ScheduleKind.OneFOneB);

        using var trace = Parse(result);

        var events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
        var complete = events.Where(e => e.GetProperty("ph").GetString() == "X").ToArray();
        var metadata = events.Where(e => e.GetProperty("ph").GetString() == "M").ToArray();
        Assert.Equal(events.Length, complete.Length + metadata.Length);
        Assert.Equal(2 * plan.Stages.Count * plan.MicroBatches, complete.Length);

        var process = Assert.Single(metadata, e => e.GetProperty("name").GetString() == "process_name");
        Assert.Equal("HopSplit 1f1b simulation", process.GetProperty("args").GetProperty("name").GetString());

        var trackNames = metadata
            .Where(e => e.GetProperty("name").GetString() == "thread_name")
            .ToDictionary(e => e.GetProperty("tid").GetInt32(), e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal(result.Resources.Select(r => r.ResourceName), trackNames.Values);
        Assert.Contains("node phone", trackNames.Values);
        Assert.Contains("link phone->ap", trackNames.Values);
        Assert.All(complete, e => Assert.True(trackNames.ContainsKey(e.GetProperty("tid").GetInt32())));
    }

    [Fact]
    public void Complete_events_carry_times_in_microseconds_and_the_task_in_args()
    {
        var result = PipelineSimulator.Run(Workloads.Uniform(3, (1, 2), (3, 1)), ScheduleKind.GPipe);

        using var trace = Parse(result);

        var complete = trace.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.GetProperty("ph").GetString() == "X").ToArray();
        Assert.Equal(result.Timeline.Count, complete.Length);
        for (var i = 0; i < complete.Length; i++)
        {
            var task = result.Timeline[i];
            var e = complete[i];
            var args = e.GetProperty("args");
            Assert.Equal(task.StartSeconds * 1e6, e.GetProperty("ts").GetDouble());
            Assert.Equal(task.DurationSeconds * 1e6, e.GetProperty("dur").GetDouble());
            Assert.Equal(1, e.GetProperty("pid").GetInt32());
            Assert.Equal(task.StageIndex, args.GetProperty("stage").GetInt32());
            Assert.Equal(task.MicroBatch, args.GetProperty("microBatch").GetInt32());
            Assert.Equal(task.Direction == TaskDirection.Forward ? "forward" : "backward", args.GetProperty("direction").GetString());
        }
        // Stage 0's last backward, B2, runs 15-17 s (see HandComputedSimulationTests).
        var lastBackward = complete.Single(e => e.GetProperty("name").GetString() == "B2" && e.GetProperty("args").GetProperty("stage").GetInt32() == 0);
        Assert.Equal(15e6, lastBackward.GetProperty("ts").GetDouble());
        Assert.Equal(2e6, lastBackward.GetProperty("dur").GetDouble());
    }

    [Fact]
    public void Several_timelines_become_processes_in_order_with_their_own_tracks()
    {
        var simulated = PipelineSimulator.Run(Workloads.Uniform(2, (1, 1), (2, 2)), ScheduleKind.GPipe);
        var measured = new TraceTimeline("measured", ["node x", "node y"],
            simulated.Timeline.Select(t => t with { EndSeconds = t.EndSeconds * 1.1 }).ToArray());
        using var stream = new MemoryStream();

        ChromeTraceWriter.Write([TraceTimeline.Of(simulated), measured], stream);

        using var trace = JsonDocument.Parse(stream.ToArray());
        var events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
        var processes = events.Where(e => e.GetProperty("name").GetString() == "process_name")
            .ToDictionary(e => e.GetProperty("pid").GetInt32(), e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal(new Dictionary<int, string?> { [1] = "HopSplit gpipe simulation", [2] = "measured" }, processes);
        var measuredTracks = events.Where(e => e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("pid").GetInt32() == 2)
            .Select(e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal(["node x", "node y"], measuredTracks);
        var complete = events.Where(e => e.GetProperty("ph").GetString() == "X").ToArray();
        Assert.Equal(simulated.Timeline.Count, complete.Count(e => e.GetProperty("pid").GetInt32() == 2));
        Assert.Equal(simulated.Timeline.Count, complete.Count(e => e.GetProperty("pid").GetInt32() == 1));
    }

    [Fact]
    public void A_task_without_a_lane_is_refused_by_name()
    {
        var simulated = PipelineSimulator.Run(Workloads.Uniform(1, (1, 1), (2, 2)), ScheduleKind.GPipe);
        var oneLane = new TraceTimeline("measured", ["node x"], simulated.Timeline);
        var error = Assert.Throws<ArgumentException>(() => ChromeTraceWriter.Write([oneLane], new MemoryStream()));
        Assert.Contains("'measured'", error.Message);
        Assert.Contains("stage 1, which has no lane", error.Message);
    }

    [Fact]
    public void Trace_can_be_written_to_a_file()
    {
        var result = PipelineSimulator.Run(Workloads.Uniform(2, (1, 1), (2, 2)), ScheduleKind.GPipe);
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.trace.json");
        try
        {
            ChromeTraceWriter.Write(result, path);

            using var trace = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(8, trace.RootElement.GetProperty("traceEvents").EnumerateArray().Count(e => e.GetProperty("ph").GetString() == "X"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writing_leaves_the_stream_open_and_is_deterministic()
    {
        var result = PipelineSimulator.Run(Workloads.Random(new Random(5), raggedLast: true), ScheduleKind.OneFOneB);
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        ChromeTraceWriter.Write(result, first);
        ChromeTraceWriter.Write(result, second);

        Assert.True(first.CanWrite);
        Assert.Equal(first.ToArray(), second.ToArray());
    }

    private static JsonDocument Parse(SimulationResult result)
    {
        using var stream = new MemoryStream();
        ChromeTraceWriter.Write(result, stream);
        return JsonDocument.Parse(stream.ToArray());
    }
}
