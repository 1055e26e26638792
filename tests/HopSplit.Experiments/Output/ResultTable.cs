using System.Globalization;
using System.Text;

namespace HopSplit.Experiments.Output;

/// <summary>
/// Rows of cells with a header, written as CSV (every row) and rendered as a Markdown table. Numbers are
/// formatted here, with the invariant culture and a fixed precision, so that the files are byte-identical
/// for a seed.
/// </summary>
public sealed class ResultTable(params string[] columns)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Columns { get; } = columns;
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    public void Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"expected {Columns.Count} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells.Select(Format).ToArray());
    }

    /// <summary>Six significant digits for doubles: enough to compare, stable across runs.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d when double.IsNaN(d) || double.IsInfinity(d) => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A column as numbers (NaN for empty or non-numeric cells), for plotting.</summary>
    public double[] Numbers(int column) =>
        _rows.Select(r => double.TryParse(r[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();

    public void WriteCsv(string path)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', Columns.Select(Escape))).Append('\n');
        foreach (var row in _rows) text.Append(string.Join(',', row.Select(Escape))).Append('\n');
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>The table in Markdown; empty cells (infeasible, not applicable) show as a dash.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", Columns)).Append(" |\n");
        text.Append('|').Append(string.Concat(Columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in _rows) text.Append("| ").Append(string.Join(" | ", row.Select(c => c.Length == 0 ? "-" : c))).Append(" |\n");
        return text.ToString();
    }

    private static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
