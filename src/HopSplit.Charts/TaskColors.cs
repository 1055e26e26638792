using HopSplit.Planning.Simulation;
using ScottPlot;

namespace HopSplit.Charts;

/// <summary>
/// Bar and label colours: blue for forward, orange for backward (a colour-blind-safe pair); the plan in
/// light shades with dark labels, the measured run in dark shades with white labels.
/// </summary>
internal static class TaskColors
{
    public static Color Fill(TaskDirection direction, int timeline) => (direction, timeline) switch
    {
        (TaskDirection.Forward, 0) => Color.FromHex("#9ECAE1"),
        (TaskDirection.Backward, 0) => Color.FromHex("#FDBE85"),
        (TaskDirection.Forward, _) => Color.FromHex("#2171B5"),
        _ => Color.FromHex("#D94801"),
    };

    public static Color Text(int timeline) => timeline == 0 ? Color.FromHex("#202020") : Colors.White;
}
