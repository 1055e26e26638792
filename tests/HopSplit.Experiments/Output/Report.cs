using System.Text;

namespace HopSplit.Experiments.Output;

/// <summary>One experiment family's part of docs/RESULTS.md.</summary>
/// <param name="Title">The section heading.</param>
/// <param name="Body">Markdown: what was run, the table(s), the plot(s), the key numbers and the reading.</param>
public sealed record ReportSection(string Title, string Body);

/// <summary>Where an experiment writes and what it adds to the report.</summary>
public sealed class ExperimentContext(string outputDirectory, int seed, bool quick)
{
    public string OutputDirectory { get; } = outputDirectory;
    public int Seed { get; } = seed;

    /// <summary>A tiny grid: seconds, for the test; the numbers are not the ones docs/RESULTS.md quotes.</summary>
    public bool Quick { get; } = quick;

    /// <summary>A random source of its own for each experiment, so that adding one does not change another's draws.</summary>
    public Random RandomFor(int experiment) => new(unchecked(Seed * 7919 + experiment));

    public string PathOf(string file) => Path.Combine(OutputDirectory, file);

    /// <summary>Writes name.csv and returns the Markdown link text to it.</summary>
    public string WriteCsv(ResultTable table, string name)
    {
        table.WriteCsv(PathOf(name + ".csv"));
        return $"[{name}.csv]({RelativeDirectory}/{name}.csv)";
    }

    /// <summary>The output folder as the report (one level up) links to it.</summary>
    public string RelativeDirectory => Path.GetFileName(Path.TrimEndingDirectorySeparator(OutputDirectory));

    public string Image(string name, string alt) => $"![{alt}]({RelativeDirectory}/{name}.png)";
}

/// <summary>Assembles docs/RESULTS.md from the sections, in a fixed order.</summary>
public static class ReportWriter
{
    public static void Write(string path, ExperimentContext context, IEnumerable<ReportSection> sections, string introduction)
    {
        var text = new StringBuilder();
        text.Append("# Results: HopSplit's planner and simulator, reproduced\n\n");
        text.Append(introduction.Trim()).Append("\n\n");
        text.Append($"Generated with seed {context.Seed}{(context.Quick ? " in --quick mode (a tiny grid, not the published numbers)" : "")}.\n\n");
        var list = sections.ToList();
        text.Append("Contents:\n\n");
        for (var i = 0; i < list.Count; i++) text.Append($"{i + 1}. {list[i].Title}\n");
        text.Append('\n');
        for (var i = 0; i < list.Count; i++) text.Append($"## {i + 1}. {list[i].Title}\n\n").Append(list[i].Body.Trim()).Append("\n\n");
        File.WriteAllText(path, text.ToString().TrimEnd() + "\n");
    }
}
