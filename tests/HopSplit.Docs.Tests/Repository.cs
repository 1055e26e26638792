using System.Reflection;

namespace HopSplit.Docs.Tests;

/// <summary>Where the repository under test is and which configuration its outputs were built in.</summary>
internal static class Repository
{
    public static string Root { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The documentation whose ```sh blocks must run as printed: the README and everything under docs/.</summary>
    public static IReadOnlyList<string> DocumentationFiles() =>
        new[] { "README.md" }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
                .Order(StringComparer.Ordinal))
            .ToList();

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}
