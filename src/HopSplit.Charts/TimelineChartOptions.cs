namespace HopSplit.Charts;

/// <summary>How a pipeline timeline chart looks.</summary>
/// <param name="Title">The title above the chart.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels; 0 picks one from the number of rows (lanes x timelines).</param>
public sealed record TimelineChartOptions(string Title = "Pipeline timeline", int Width = 1400, int Height = 0)
{
    /// <summary>The height to draw: <see cref="Height"/>, or room for every row plus title, axis and legend.</summary>
    /// <param name="rows">Lanes times timelines.</param>
    public int HeightFor(int rows) => Height > 0 ? Height : 170 + 34 * rows;
}
