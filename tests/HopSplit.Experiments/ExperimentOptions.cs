namespace HopSplit.Experiments;

/// <param name="Seed">Seeds every random instance and draw.</param>
/// <param name="OutputDirectory">Where the CSV and PNG files go (created).</param>
/// <param name="ReportPath">The Markdown report; by default RESULTS.md in the output folder's parent.</param>
/// <param name="Quick">A tiny grid that runs in seconds (for the test).</param>
/// <param name="Only">Run only the family of this name (its files; the report then has only its section).</param>
public sealed record ExperimentOptions(int Seed, string OutputDirectory, string ReportPath, bool Quick, string? Only = null)
{
    public const int DefaultSeed = 7;

    public static ExperimentOptions Parse(IReadOnlyList<string> args)
    {
        var seed = DefaultSeed;
        var output = Path.Combine("docs", "results");
        string? report = null;
        var quick = false;
        string? only = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seed":
                    var text = Value();
                    if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out seed))
                        throw new ArgumentException($"--seed: '{text}' is not an integer");
                    break;
                case "--out": output = Value(); break;
                case "--report": report = Value(); break;
                case "--quick": quick = true; break;
                case "--only": only = Value(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        output = Path.GetFullPath(output);
        report ??= Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(output))!, "RESULTS.md");
        return new ExperimentOptions(seed, output, Path.GetFullPath(report), quick, only);
    }
}
