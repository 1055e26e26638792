using System.Reflection;

namespace HopSplit.Packaging.Tests;

/// <summary>
/// HopSplit, HopSplit.Planning, HopSplit.Distributed and HopSplit.Tool packed once into a temporary folder feed, with a version of
/// their own so the packages in the machine's NuGet cache are never stale or reused; removed afterwards.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        var metadata = typeof(PackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        RepositoryRoot = Path.GetFullPath(metadata["RepositoryRoot"]);
        Version = $"0.1.0-test.{Guid.NewGuid():N}"[..22];
        Folder = Directory.CreateTempSubdirectory("hopsplit-feed-").FullName;
        foreach (var project in new[] { "src/HopSplit.Planning", "src/HopSplit", "src/HopSplit.Distributed", "src/HopSplit.Cli" })
        {
            DotNet.Run(RepositoryRoot, "pack", project, "-c", metadata["Configuration"], "--no-build", "-o", Folder, $"-p:PackageVersion={Version}")
                .AssertSucceeded($"dotnet pack {project}");
        }
    }

    public string RepositoryRoot { get; }

    /// <summary>The version every package of this run has.</summary>
    public string Version { get; }

    /// <summary>The folder holding the .nupkg files.</summary>
    public string Folder { get; }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        // Restores copied this run's packages into the machine's cache; they are never used again.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "hopsplit", "hopsplit.planning", "hopsplit.distributed", "hopsplit.tool" })
        {
            var folder = Path.Combine(cache, id, Version);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
