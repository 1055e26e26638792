using System.Reflection;

namespace HopSplit.Docs.Tests;

/// <summary>Where the repository under test is and which configuration its outputs were built in.</summary>
internal static class Repository
{
    public static string Root { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>
    /// The documentation whose ```sh blocks must run as printed: the README, everything under docs/ and the
    /// samples' READMEs (a reader copies their commands just the same).
    /// </summary>
    public static IReadOnlyList<string> DocumentationFiles() =>
        new[] { "README.md" }
            .Concat(MarkdownUnder("docs", SearchOption.AllDirectories))
            .Concat(MarkdownUnder("samples", SearchOption.AllDirectories).Where(path => Path.GetFileName(path) == "README.md"))
            .ToList();

    private static IEnumerable<string> MarkdownUnder(string folder, SearchOption depth) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.md", depth)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}
