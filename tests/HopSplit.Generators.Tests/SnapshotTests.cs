using HopSplit.Generators.Tests.Infrastructure;

namespace HopSplit.Generators.Tests;

public class SnapshotTests
{
    [Fact]
    public void Diff_marks_removed_and_added_lines()
    {
        var diff = Snapshot.Diff("a\nb\nc", "a\nx\nc");
        Assert.Contains("- b\n", diff);
        Assert.Contains("+ x\n", diff);
        Assert.Contains("  a\n", diff);
    }

    [Fact]
    public void Mismatch_writes_received_and_fails_unless_accepting()
    {
        if (Snapshot.Accepting) return; // the accept run would (correctly) rewrite the snapshot
        var dir = Path.Combine(Path.GetTempPath(), "hopsplit-snapshot-" + Guid.NewGuid().ToString("N"));
        var snapshots = Path.Combine(dir, "Snapshots");
        Directory.CreateDirectory(snapshots);
        try
        {
            File.WriteAllText(Path.Combine(dir, "Snapshots", "T.X.g.verified.cs"), "old\n");
            var error = Assert.ThrowsAny<Exception>(() => Snapshot.Match([("X.g.cs", "new\n")], "T", snapshots));
            Assert.Contains("- old", error.Message);
            Assert.Contains("+ new", error.Message);
            Assert.Equal("new\n", File.ReadAllText(Path.Combine(dir, "Snapshots", "T.X.g.received.cs")));
            Assert.Equal("old\n", File.ReadAllText(Path.Combine(dir, "Snapshots", "T.X.g.verified.cs")));

            Snapshot.Match([("X.g.cs", "old\n")], "T", snapshots);
            Assert.False(File.Exists(Path.Combine(dir, "Snapshots", "T.X.g.received.cs")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
