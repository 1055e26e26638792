using System.Buffers.Binary;
using HopSplit.Charts;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Samples.Digits;

namespace HopSplit.Runtime.Tests.Charts;

public sealed class PipelineTimelineChartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hopsplit-chart-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The digits sample's plan simulated under gpipe: five lanes, eight micro-batches.</summary>
    private static SimulationResult DigitsSimulation()
    {
        var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(64));
        var plan = Planner.Plan(problem, new PlannerOptions());
        return PipelineSimulator.Run(PipelineWorkload.FromPlan(problem, plan), ScheduleKind.GPipe);
    }

    /// <summary>A "measured" run: every task 10-30 % longer than planned and a little later, as a real run would be.</summary>
    private static ScheduledTask[] Measured(SimulationResult simulation)
    {
        var random = new Random(3);
        return simulation.Timeline.Select(task =>
        {
            var start = task.StartSeconds * 1.15 + 0.002;
            return task with { StartSeconds = start, EndSeconds = start + task.DurationSeconds * (1.1 + 0.2 * random.NextDouble()) };
        }).ToArray();
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Planned_and_measured_timelines_make_a_png_of_the_requested_size()
    {
        var simulation = DigitsSimulation();
        var path = Path.Combine(_folder, "timeline.png");

        PipelineTimelineChart.WritePng(path, simulation, Measured(simulation), new TimelineChartOptions("Digits on the four-node network", 1200, 700));

        Assert.Equal((1200, 700), PngSize(path));
        // A drawn chart, not an empty canvas: bars, labels and text compress far worse than a blank image.
        Assert.True(new FileInfo(path).Length > 20_000, $"{new FileInfo(path).Length} bytes");
    }

    [Fact]
    public void A_planned_timeline_alone_gets_a_height_from_its_lanes()
    {
        var simulation = DigitsSimulation();
        var path = Path.Combine(_folder, "planned.png");
        var lanes = PipelineTimelineChart.LanesOf(Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(64)));

        PipelineTimelineChart.WritePng(path, lanes, simulation.Timeline, options: new TimelineChartOptions(Width: 900));

        var (width, height) = PngSize(path);
        Assert.Equal(900, width);
        Assert.Equal(new TimelineChartOptions().HeightFor(lanes.Count), height);
        Assert.Equal(simulation.Resources.Select(r => r.ResourceName), lanes.Select(l => l.ResourceName));
    }

    [Fact]
    public void No_lanes_is_refused()
    {
        var simulation = DigitsSimulation();

        var error = Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(Path.Combine(_folder, "x.png"), [], simulation.Timeline));

        Assert.Equal("lanes", error.ParamName);
        Assert.Contains("at least one lane", error.Message);
    }

    [Fact]
    public void A_task_on_a_resource_that_is_not_a_lane_names_the_resource_and_the_lanes()
    {
        var simulation = DigitsSimulation();
        var measured = Measured(simulation);
        measured[5] = measured[5] with { ResourceId = "edge->cloud" };
        var path = Path.Combine(_folder, "x.png");

        var error = Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(path, simulation, measured));

        Assert.Equal("measured", error.ParamName);
        Assert.Contains("the measured timeline has a task on 'edge->cloud'", error.Message);
        Assert.Contains("lanes: node sensor, link sensor->gateway, node gateway, link gateway->edge, node edge", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void An_empty_timeline_a_repeated_lane_a_backwards_task_and_a_zero_size_are_refused()
    {
        var simulation = DigitsSimulation();
        var lanes = simulation.Resources.Select(r => new SimulatedStage(r.Kind, r.Id)).ToArray();
        var path = Path.Combine(_folder, "x.png");
        var backwards = simulation.Timeline.ToArray();
        backwards[0] = backwards[0] with { EndSeconds = backwards[0].StartSeconds - 0.001 };

        Assert.Contains("the measured timeline has no tasks",
            Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(path, lanes, simulation.Timeline, [])).Message);
        Assert.Contains("lane 'node sensor' has the id 'sensor' of an earlier lane",
            Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(path, [.. lanes, lanes[0]], simulation.Timeline)).Message);
        Assert.Contains("the end not before the start",
            Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(path, lanes, backwards)).Message);
        Assert.Contains("must be positive, got 0 x 300",
            Assert.Throws<ArgumentException>(() => PipelineTimelineChart.WritePng(path, lanes, simulation.Timeline, options: new(Width: 0, Height: 300))).Message);
        Assert.False(File.Exists(path));
    }
}
