using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace HopSplit.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated files with committed snapshots: Snapshots/&lt;Test&gt;.&lt;hint&gt;.verified.cs.
/// On a mismatch it writes &lt;...&gt;.received.cs next to the snapshot and fails with a diff.
/// Snapshots are only (re)written when HOPSPLIT_ACCEPT_SNAPSHOTS=1, and never when CI=true
/// (run accept-snapshots.sh, review the git diff, commit).
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "HOPSPLIT_ACCEPT_SNAPSHOTS";

    public static bool Accepting =>
        Environment.GetEnvironmentVariable(AcceptVariable) == "1"
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Match(GeneratorRun run, [CallerMemberName] string test = "") =>
        Match(run.Sources, test, SnapshotDirectory);

    /// <summary>The committed Snapshots folder of the test project (its path is stamped into the assembly at build).</summary>
    public static string SnapshotDirectory { get; } = Path.Combine(
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "Snapshots");

    public static void Match(IReadOnlyList<(string HintName, string Text)> files, string test, string dir)
    {
        Directory.CreateDirectory(dir);
        var failures = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (hint, text) in files)
        {
            var stem = Path.Combine(dir, $"{test}.{Path.GetFileNameWithoutExtension(hint)}");
            var verified = stem + ".verified.cs";
            var received = stem + ".received.cs";
            expectedNames.Add(Path.GetFileName(verified));
            var actual = Normalize(text);
            var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
            if (expected == actual)
            {
                File.Delete(received);
                continue;
            }
            if (Accepting)
            {
                File.WriteAllText(verified, actual);
                File.Delete(received);
                continue;
            }
            File.WriteAllText(received, actual);
            failures.Add(expected is null
                ? $"missing snapshot {Path.GetFileName(verified)} (received written)"
                : $"{Path.GetFileName(verified)} differs (received written):\n{Diff(expected, actual)}");
        }

        // A verified file for this test that the generator no longer produces is a failure too.
        foreach (var stale in Directory.GetFiles(dir, $"{test}.*.verified.cs"))
        {
            var name = Path.GetFileName(stale);
            if (expectedNames.Contains(name)) continue;
            if (Accepting) File.Delete(stale);
            else failures.Add($"stale snapshot {name}: the generator no longer produces it");
        }

        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n\n", failures)
                + $"\n\nIf the change is intended, run tests/HopSplit.Generators.Tests/accept-snapshots.sh (sets {AcceptVariable}=1) and commit the snapshots.");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    /// <summary>A line diff (longest common subsequence) with '-' expected and '+' received lines.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var sb = new StringBuilder("--- verified\n+++ received\n");
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { sb.Append("  ").Append(a[x]).Append('\n'); x++; y++; }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) { sb.Append("+ ").Append(b[y]).Append('\n'); y++; }
            else { sb.Append("- ").Append(a[x]).Append('\n'); x++; }
        }
        return sb.ToString();
    }
}
