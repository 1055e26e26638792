using System.Text.RegularExpressions;

namespace HopSplit.Docs.Tests;

/// <summary>
/// Every ```sh block of README.md, docs/**/*.md and samples/**/README.md runs as printed from the root of a fresh copy of the
/// repository, in order within its file: one test case per block, named by file and line.
/// </summary>
[TestCaseOrderer("HopSplit.Docs.Tests.FileAndLineOrderer", "HopSplit.Docs.Tests")]
public class DocCommandTests
{
    public static TheoryData<string> ShellBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.DocumentationFiles())
            foreach (var block in MarkdownBlocks.Read(file).Where(MarkdownBlocks.IsShell))
                data.Add(block.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShellBlocks))]
    public void Runs_as_printed(string block)
    {
        var separator = block.LastIndexOf(':');
        var (doc, result, earlierFailures) = DocFileSession.For(block[..separator]).Run(int.Parse(block[(separator + 1)..]));
        var why = earlierFailures.Count == 0 ? "" :
            $"\n(an earlier block of this file failed too: {string.Join(", ", earlierFailures.Select(b => b.Id))})";
        Assert.True(result.Succeeded,
            $"{doc.Id}: the block " + (result.ExitCode is { } code ? $"exited with code {code}" : "timed out") +
            $" after {result.Elapsed.TotalSeconds:F0} s{why}\n--- block ---\n{doc.Code}--- last lines of its output ---\n{result.OutputTail}");
    }

    [Fact]
    public void The_docs_have_sh_blocks_to_run()
    {
        // A parser or file-discovery bug must not pass by finding nothing.
        var ids = ShellBlocks().Cast<object[]>().Select(row => (string)row[0]).ToList();
        Assert.Contains(ids, id => id.StartsWith("README.md:", StringComparison.Ordinal));
        Assert.Contains(ids, id => id.StartsWith("docs/getting-started.md:", StringComparison.Ordinal));
        Assert.Contains(ids, id => id.StartsWith("samples/ModelZoo/README.md:", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_code_block_has_a_known_language_tag()
    {
        var unknown = Repository.DocumentationFiles()
            .SelectMany(MarkdownBlocks.Read)
            .Where(b => !MarkdownBlocks.KnownLanguages.Contains(b.Language))
            .Select(b => $"{b.Id}: ```{b.Language}")
            .ToList();
        Assert.True(unknown.Count == 0,
            "Tag each block ```sh (runs as printed, and is tested), ```text (has placeholders) or its code/data language:\n" +
            string.Join('\n', unknown));
    }

    [Fact]
    public void No_command_hides_in_an_indented_block()
    {
        // Indented code is neither run nor marked as an illustration: commands belong in ```sh or ```text.
        var command = new Regex(@"^ {4,}(dotnet|cd|bash|openssl|tools/|\./|hopsplit|D=)\b");
        var hidden = new List<string>();
        foreach (var file in Repository.DocumentationFiles())
        {
            var fenced = false;
            var lines = File.ReadAllLines(Path.Combine(Repository.Root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
                else if (!fenced && command.IsMatch(lines[i])) hidden.Add($"{file}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(hidden.Count == 0, "Put these commands in a ```sh block (or ```text if they cannot run as printed):\n" + string.Join('\n', hidden));
    }
}
