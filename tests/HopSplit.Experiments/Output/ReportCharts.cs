using ScottPlot;

namespace HopSplit.Experiments.Output;

/// <summary>A line series: name, x and y (NaN for a missing point, such as an infeasible plan).</summary>
public sealed record Series(string Name, double[] X, double[] Y);

/// <summary>
/// The few chart shapes the report uses, drawn with ScottPlot and saved as PNG. Log axes are drawn by
/// plotting log10 of the values and labelling the ticks with powers of ten (ScottPlot 5 has no log axis).
/// </summary>
public static class ReportCharts
{
    private const int Width = 900;
    private const int Height = 520;

    /// <summary>Lines with markers; NaN points are left out of their series.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        bool logX = false, bool logY = false, IReadOnlyList<(double X, string Label)>? categories = null,
        IReadOnlyList<(double X, double Y, string Label)>? marks = null)
    {
        using var plot = NewPlot(title, xLabel, yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var s in series)
        {
            var points = Enumerable.Range(0, s.X.Length).Where(i => double.IsFinite(s.Y[i]) && s.Y[i] > 0 || !logY && double.IsFinite(s.Y[i])).ToArray();
            var xs = points.Select(i => logX ? Math.Log10(s.X[i]) : s.X[i]).ToArray();
            var ys = points.Select(i => logY ? Math.Log10(s.Y[i]) : s.Y[i]).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(index++));
            line.LegendText = s.Name;
            line.MarkerSize = xs.Length > 40 ? 0 : 6;
            // The first series (HopSplit in most plots) is drawn widest, so baselines that tie with it do not hide it.
            line.LineWidth = index == 1 ? 5 : 2;
        }
        foreach (var (x, y, label) in marks ?? [])
        {
            var marker = plot.Add.Marker(logX ? Math.Log10(x) : x, logY ? Math.Log10(y) : y, MarkerShape.FilledDiamond, 11, Colors.Black);
            marker.LegendText = label;
        }
        if (logX) LogTicks(plot.Axes.Bottom);
        if (logY) LogTicks(plot.Axes.Left);
        if (categories is not null)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(categories.Select(c => c.X).ToArray(), categories.Select(c => c.Label).ToArray());
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>A histogram of values (counts per bin).</summary>
    public static void Histogram(string path, string title, string xLabel, IReadOnlyList<double> values, int bins)
    {
        using var plot = NewPlot(title, xLabel, "instances");
        var low = values.Count == 0 ? 0 : values.Min();
        var high = values.Count == 0 ? 1 : Math.Max(values.Max(), low + 1e-9);
        var width = (high - low) / bins;
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - low) / width))]++;
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(i => low + (i + 0.5) * width).ToArray(), counts);
        foreach (var bar in bars.Bars) bar.Size = width * 0.9;
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, Width, Height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(HopSplit.Charts.ChartFont.Family);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static void LogTicks(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString(v is >= -3 and <= 5 ? "0.###" : "0E0", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
