namespace HopSplit.Experiments.Tests;

/// <summary>The experiments in --quick mode (a tiny grid, seconds): every output is produced and deterministic for a seed.</summary>
public sealed class QuickRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hopsplit-experiments-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private ExperimentOptions Run(string name, int seed)
    {
        var options = ExperimentOptions.Parse(["--quick", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(_root, name, "results")]);
        ExperimentRunner.Run(options, TextWriter.Null);
        return options;
    }

    /// <summary>Only the planning-time CSVs hold wall-clock measurements.</summary>
    private static bool IsTiming(string file) => Path.GetFileName(file).StartsWith("planning-time", StringComparison.Ordinal);

    [Fact]
    public void Quick_run_writes_the_report_and_a_csv_next_to_every_plot_and_is_deterministic_for_a_seed()
    {
        var first = Run("first", 11);
        var second = Run("second", 11);

        Assert.Equal(Path.Combine(_root, "first", "RESULTS.md"), first.ReportPath);
        var report = File.ReadAllText(first.ReportPath);
        Assert.Equal(ExperimentRunner.Families().Count, report.Split('\n').Count(l => l.StartsWith("## ", StringComparison.Ordinal)));

        var pngs = Directory.GetFiles(first.OutputDirectory, "*.png");
        Assert.True(pngs.Length >= ExperimentRunner.Families().Count, $"only {pngs.Length} plots");
        foreach (var png in pngs)
        {
            Assert.True(new FileInfo(png).Length > 1000, $"{png} is nearly empty");
            Assert.True(File.Exists(Path.ChangeExtension(png, ".csv")), $"no CSV next to {Path.GetFileName(png)}");
            Assert.Contains($"results/{Path.GetFileName(png)}", report, StringComparison.Ordinal);
        }

        var csvs = Directory.GetFiles(first.OutputDirectory, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(csvs, Directory.GetFiles(second.OutputDirectory, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (var csv in csvs.Where(c => !IsTiming(c!)))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first.OutputDirectory, csv!)), File.ReadAllBytes(Path.Combine(second.OutputDirectory, csv!)));
        }
    }

    [Fact]
    public void HopSplit_is_never_slower_than_a_baseline_in_the_baseline_tables()
    {
        var options = Run("baselines", 5);
        var files = Directory.GetFiles(options.OutputDirectory, "baselines-*.csv");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            var header = lines[0].Split(',');
            var hopsplit = Array.IndexOf(header, "hopsplit_s");
            var baselines = new[] { "sequential_s", "even_s", "two_tier_s", "bottleneck_s" }.Select(c => Array.IndexOf(header, c)).ToArray();
            foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
            {
                if (cells[hopsplit].Length == 0) continue; // no plan fits: no baseline's does either
                var t = double.Parse(cells[hopsplit], System.Globalization.CultureInfo.InvariantCulture);
                foreach (var column in baselines.Where(c => cells[c].Length > 0))
                    Assert.True(t <= double.Parse(cells[column], System.Globalization.CultureInfo.InvariantCulture) * (1 + 1e-9), $"{Path.GetFileName(file)}: {string.Join(',', cells)}");
            }
        }
    }

    [Fact]
    public void Another_seed_draws_other_random_instances()
    {
        var a = Run("a", 1);
        var b = Run("b", 2);
        Assert.NotEqual(File.ReadAllText(Path.Combine(a.OutputDirectory, "alternating-gap.csv")), File.ReadAllText(Path.Combine(b.OutputDirectory, "alternating-gap.csv")));
    }

    [Fact]
    public void Unknown_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ExperimentOptions.Parse(["--sed", "3"]));
        Assert.Throws<ArgumentException>(() => ExperimentOptions.Parse(["--seed", "x"]));
    }
}
