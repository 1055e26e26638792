using ScottPlot;

namespace HopSplit.Charts;

/// <summary>
/// The font family for chart text. ScottPlot's own sans-serif choice falls back to the system default when it
/// finds none of its favourites, which on Debian is DejaVu Serif; so look for common sans families first.
/// </summary>
public static class ChartFont
{
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    /// <summary>The first installed sans-serif family among the common ones, or ScottPlot's default.</summary>
    public static string Family { get; } =
        SansFamilies.FirstOrDefault(name => Fonts.GetTypeface(name, false, false).FamilyName == name) ?? Fonts.Default;
}
