using HopSplit.Planning;
using HopSplit.Planning.Simulation;
using ScottPlot;

namespace HopSplit.Charts;

/// <summary>
/// A Gantt chart of one mini-batch through a pipeline, as a PNG: one lane per node and link in pipeline
/// order, forward and backward tasks as bars labelled with their micro-batch where they are wide enough,
/// and, when a measured timeline is given, its row right under the planned one in every lane.
/// </summary>
public static class PipelineTimelineChart
{
    /// <summary>Labels need about this many pixels per character (at <see cref="LabelFontSize"/>) plus a margin.</summary>
    private const float LabelFontSize = 11;

    /// <summary>Draws the planned (simulated) timeline, and the measured one if given, and writes a PNG to <paramref name="path"/>.</summary>
    /// <param name="path">Where to write the PNG; its folder must exist.</param>
    /// <param name="lanes">The pipeline's stages in order (e.g. <c>PipelineWorkload.Stages</c>): one lane each.</param>
    /// <param name="planned">The planned tasks (e.g. <c>SimulationResult.Timeline</c>).</param>
    /// <param name="measured">The tasks as they ran, or null. Both timelines count seconds from the start of the
    /// mini-batch: the time axis starts at 0 (or at the earliest task, if one starts before 0).</param>
    /// <param name="options">Title and size; defaults when null.</param>
    /// <exception cref="ArgumentException">No lanes, a repeated lane, an empty timeline, a task on a resource that is
    /// not a lane, a task that ends before it starts or has no finite times, or a size that is not positive.</exception>
    public static void WritePng(
        string path,
        IReadOnlyList<SimulatedStage> lanes,
        IReadOnlyList<ScheduledTask> planned,
        IReadOnlyList<ScheduledTask>? measured = null,
        TimelineChartOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(planned);
        options ??= new TimelineChartOptions();
        var timelines = measured is null
            ? new[] { new Timeline("planned", planned, nameof(planned)) }
            : new[] { new Timeline("planned", planned, nameof(planned)), new Timeline("measured", measured, nameof(measured)) };
        var rows = new TimelineRows(lanes, timelines.Select(t => t.Name).ToArray());
        foreach (var timeline in timelines) timeline.Validate(rows);
        var width = options.Width;
        var height = options.HeightFor(rows.RowCount);
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"the image size must be positive, got {width} x {height}", nameof(options));

        using var plot = new Plot();
        ShadeEveryOtherLane(plot, rows);
        for (var t = 0; t < timelines.Length; t++)
        {
            foreach (var direction in new[] { TaskDirection.Forward, TaskDirection.Backward })
                AddBars(plot, rows, timelines[t], t, direction);
        }
        Decorate(plot, rows, timelines, options.Title);
        // Lay the chart out once at its final size to learn how many pixels a second takes, then label the bars that fit.
        plot.GetImage(width, height).Dispose();
        var pixelsPerSecond = plot.RenderManager.LastRender.DataRect.Width / plot.Axes.Bottom.Range.Span;
        for (var t = 0; t < timelines.Length; t++) AddMicroBatchLabels(plot, rows, timelines[t], t, pixelsPerSecond);
        plot.SavePng(path, width, height);
    }

    /// <summary>The same, with the lanes of a simulation result and its timeline as the plan.</summary>
    public static void WritePng(string path, SimulationResult planned, IReadOnlyList<ScheduledTask>? measured = null, TimelineChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var lanes = planned.Resources.Select(r => new SimulatedStage(r.Kind, r.Id)).ToArray();
        WritePng(path, lanes, planned.Timeline, measured, options);
    }

    /// <summary>The lanes of a plan: its stages in pipeline order (nodes and the links between them).</summary>
    public static IReadOnlyList<SimulatedStage> LanesOf(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Stages.Select(s => new SimulatedStage(s.Kind, s.Id)).ToArray();
    }

    // With two rows per lane, shading tells which planned and measured rows belong together.
    private static void ShadeEveryOtherLane(Plot plot, TimelineRows rows)
    {
        for (var lane = 1; lane < rows.Lanes.Count; lane += 2)
        {
            var top = rows.Y(lane, 0) + 0.5;
            var bottom = rows.Y(lane, rows.TimelineNames.Count - 1) - 0.5;
            var span = plot.Add.VerticalSpan(bottom, top); // a band across the plot between two y values
            span.FillStyle.Color = Color.FromHex("#F2F2F2");
            span.LineStyle.Width = 0;
        }
    }

    private static void AddBars(Plot plot, TimelineRows rows, Timeline timeline, int timelineIndex, TaskDirection direction)
    {
        var color = TaskColors.Fill(direction, timelineIndex);
        var bars = timeline.Tasks
            .Where(task => task.Direction == direction)
            .Select(task => new Bar
            {
                Position = rows.Y(rows.LaneOf(task, timeline.Name, timeline.Parameter), timelineIndex),
                ValueBase = task.StartSeconds,
                Value = task.EndSeconds,
                Size = 0.78,
                FillColor = color,
                LineColor = Colors.White,
                LineWidth = 1,
            })
            .ToList();
        if (bars.Count == 0) return;
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.LegendText = $"{(direction == TaskDirection.Forward ? "forward" : "backward")} ({timeline.Name})";
    }

    private static void AddMicroBatchLabels(Plot plot, TimelineRows rows, Timeline timeline, int timelineIndex, double pixelsPerSecond)
    {
        foreach (var task in timeline.Tasks)
        {
            var text = task.MicroBatch.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Roughly 0.65 em per digit and a few pixels of air on each side.
            if (task.DurationSeconds * pixelsPerSecond < text.Length * LabelFontSize * 0.65 + 6) continue;
            var label = plot.Add.Text(text, (task.StartSeconds + task.EndSeconds) / 2, rows.Y(rows.LaneOf(task, timeline.Name, timeline.Parameter), timelineIndex));
            label.LabelFontSize = LabelFontSize;
            label.LabelFontName = ChartFont.Family;
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontColor = TaskColors.Text(timelineIndex);
        }
    }

    private static void Decorate(Plot plot, TimelineRows rows, Timeline[] timelines, string title)
    {
        plot.Font.Set(ChartFont.Family);
        plot.Title(title);
        plot.XLabel("time (s)");
        var positions = new List<double>();
        var labels = new List<string>();
        for (var lane = 0; lane < rows.Lanes.Count; lane++)
        {
            for (var t = 0; t < timelines.Length; t++)
            {
                positions.Add(rows.Y(lane, t));
                labels.Add(rows.Label(lane, t));
            }
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.ToArray(), labels.ToArray());
        var start = Math.Min(0, timelines.Min(t => t.Tasks.Min(task => task.StartSeconds)));
        var end = timelines.Max(t => t.Tasks.Max(task => task.EndSeconds));
        plot.Axes.SetLimits(start, end + (end - start) * 0.01 + 1e-9, -0.6, rows.RowCount - 0.4);
        plot.ShowLegend(Edge.Bottom);
    }

    /// <summary>One timeline to draw, with its name in labels and messages and the parameter it came from.</summary>
    private sealed record Timeline(string Name, IReadOnlyList<ScheduledTask> Tasks, string Parameter)
    {
        public void Validate(TimelineRows rows)
        {
            ArgumentNullException.ThrowIfNull(Tasks, Parameter);
            if (Tasks.Count == 0) throw new ArgumentException($"the {Name} timeline has no tasks", Parameter);
            foreach (var task in Tasks)
            {
                rows.LaneOf(task, Name, Parameter);
                if (!double.IsFinite(task.StartSeconds) || !double.IsFinite(task.EndSeconds) || task.EndSeconds < task.StartSeconds)
                    throw new ArgumentException(
                        $"the {Name} timeline's {task.Direction} task of micro-batch {task.MicroBatch} on '{task.ResourceId}' runs from " +
                        $"{task.StartSeconds} s to {task.EndSeconds} s; times must be finite and the end not before the start", Parameter);
            }
        }
    }
}
