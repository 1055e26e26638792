using System.Reflection;

namespace HopSplit.Samples.Tests;

/// <summary>A sample's README.md, read from the repository, so that the numbers it quotes can be checked.</summary>
public static class SampleReadme
{
    private static string RepositoryRoot { get; } = typeof(SampleReadme).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The text of samples/<paramref name="sample"/>/README.md.</summary>
    public static string Of(string sample) => File.ReadAllText(Path.Combine(RepositoryRoot, "samples", sample, "README.md"));
}
