using System.Collections.Concurrent;

namespace HopSplit.Docs.Tests;

/// <summary>
/// A documentation file's ```sh blocks run in order in one repository copy, as a reader works through the
/// file: a later block may use what an earlier one built or wrote. Each block runs once, whichever test case
/// asks first; the copy is deleted after the file's last block.
/// </summary>
internal sealed class DocFileSession
{
    /// <summary>Long enough for a block that builds from scratch and runs the main job on a loaded 2-core machine.</summary>
    public static readonly TimeSpan BlockTimeout = TimeSpan.FromMinutes(20);

    private static readonly ConcurrentDictionary<string, DocFileSession> Sessions = new(StringComparer.Ordinal);

    private readonly IReadOnlyList<MarkdownBlock> _blocks;
    private readonly Dictionary<int, ShellBlockResult> _results = [];
    private RepositoryCopy? _copy;

    private DocFileSession(string file) => _blocks = MarkdownBlocks.Read(file).Where(MarkdownBlocks.IsShell).ToList();

    static DocFileSession() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var session in Sessions.Values) lock (session) session._copy?.Dispose();
    };

    public static DocFileSession For(string file) => Sessions.GetOrAdd(file, f => new DocFileSession(f));

    public IReadOnlyList<MarkdownBlock> Blocks => _blocks;

    /// <summary>Runs the blocks up to and including the one at <paramref name="line"/> (those not run yet) and returns its result.</summary>
    public (MarkdownBlock Block, ShellBlockResult Result, IReadOnlyList<MarkdownBlock> EarlierFailures) Run(int line)
    {
        lock (this)
        {
            var index = _blocks.ToList().FindIndex(b => b.Line == line);
            if (index < 0) throw new ArgumentException($"no ```sh block starts at line {line}", nameof(line));
            for (var i = 0; i <= index; i++)
            {
                if (_results.ContainsKey(i)) continue;
                _copy ??= RepositoryCopy.Create();
                _results[i] = ShellBlockRunner.Run(_blocks[i], _copy.Folder, BlockTimeout);
                if (_results.Count == _blocks.Count)
                {
                    _copy.Dispose();
                    _copy = null;
                }
            }
            var failures = Enumerable.Range(0, index).Where(i => !_results[i].Succeeded).Select(i => _blocks[i]).ToList();
            return (_blocks[index], _results[index], failures);
        }
    }
}
