using System.Diagnostics;

namespace HopSplit.Docs.Tests;

/// <summary>
/// The repository's tracked files (as in the working tree) copied to a temporary folder: what a fresh clone
/// holds, with no build outputs, so doc commands build from scratch and never touch the checkout that other
/// test assemblies are using.
/// </summary>
internal sealed class RepositoryCopy : IDisposable
{
    public string Folder { get; }

    private RepositoryCopy(string folder) => Folder = folder;

    public static RepositoryCopy Create()
    {
        var folder = Directory.CreateTempSubdirectory("hopsplit-docs-").FullName;
        foreach (var file in TrackedFiles())
        {
            var source = Path.Combine(Repository.Root, file);
            if (!File.Exists(source)) continue;   // deleted in the working tree but not yet committed
            var target = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));   // keeps scripts executable
        }
        return new RepositoryCopy(folder);
    }

    private static IEnumerable<string> TrackedFiles()
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "ls-files", "-z" }) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0)
            throw new InvalidOperationException($"git ls-files in {Repository.Root} failed ({git.ExitCode}): {error.Result}");
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }                    // a leftover temp folder must not fail a test
        catch (UnauthorizedAccessException) { }
    }
}
