using System.Globalization;

namespace HopSplit.Distributed.Checkpoints;

/// <summary>
/// A folder of checkpoints, one file per checkpoint (<c>checkpoint-00000012.hsckpt</c> after 12 steps), written
/// atomically; the newest <see cref="Keep"/> are kept. Temporary files of an interrupted write are ignored.
/// </summary>
public sealed class CheckpointStore
{
    private const string Prefix = "checkpoint-";
    private const string Extension = ".hsckpt";

    /// <summary>A store in <paramref name="directory"/> (created if missing).</summary>
    public CheckpointStore(string directory, int keep = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        Keep = keep;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>How many checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>The file a checkpoint after <paramref name="step"/> steps goes to.</summary>
    public string PathOf(long step) => Path.Combine(Directory, $"{Prefix}{step.ToString("D8", CultureInfo.InvariantCulture)}{Extension}");

    /// <summary>Writes <paramref name="checkpoint"/> atomically, then deletes the checkpoints beyond the newest <see cref="Keep"/>. Returns its path.</summary>
    public string Save(Checkpoint checkpoint)
    {
        var path = PathOf(checkpoint.Step);
        CheckpointFile.Write(path, checkpoint);
        foreach (var old in Files().Skip(Keep)) File.Delete(old.Path);
        return path;
    }

    /// <summary>The newest checkpoint, or null when the folder has none.</summary>
    /// <exception cref="CheckpointException">The newest checkpoint file is damaged (the message names it).</exception>
    public Checkpoint? Latest() => Files() is [var newest, ..] ? CheckpointFile.Read(newest.Path) : null;

    /// <summary>The checkpoint files, newest first.</summary>
    public IReadOnlyList<(long Step, string Path)> Files() => System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension)
        .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Path: path))
        .Where(f => long.TryParse(f.Name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        .Select(f => (long.Parse(f.Name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture), f.Path))
        .OrderByDescending(f => f.Item1)
        .ToArray();
}
