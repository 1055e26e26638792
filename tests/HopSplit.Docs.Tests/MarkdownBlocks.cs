namespace HopSplit.Docs.Tests;

/// <summary>One fenced code block of a Markdown file: its language tag, the line of its opening fence and its text.</summary>
internal sealed record MarkdownBlock(string File, int Line, string Language, string Code)
{
    public string Id => $"{File}:{Line}";
}

/// <summary>Finds the fenced code blocks (```lang ... ```) of a Markdown file, in order.</summary>
internal static class MarkdownBlocks
{
    public static IReadOnlyList<MarkdownBlock> Read(string repositoryRelativePath)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, repositoryRelativePath));
        var blocks = new List<MarkdownBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var opening = lines[i].TrimStart();
            if (!opening.StartsWith("```", StringComparison.Ordinal)) continue;
            var indent = lines[i].Length - opening.Length;
            var language = opening[3..].Trim();
            var body = new List<string>();
            var j = i + 1;
            for (; j < lines.Length && lines[j].Trim() != "```"; j++)
                body.Add(lines[j].Length >= indent && string.IsNullOrWhiteSpace(lines[j][..indent]) ? lines[j][indent..] : lines[j].TrimStart());
            if (j == lines.Length)
                throw new InvalidDataException($"{repositoryRelativePath}:{i + 1}: the code block opened here is never closed with ```");
            blocks.Add(new MarkdownBlock(repositoryRelativePath, i + 1, language, string.Join('\n', body) + "\n"));
            i = j;
        }
        return blocks;
    }

    /// <summary>The blocks a reader runs as printed.</summary>
    public static bool IsShell(MarkdownBlock block) => block.Language == "sh";

    /// <summary>
    /// Every language tag the docs may use: ```sh runs, ```text is an illustration (placeholders), the rest is
    /// code or data. Anything else (```bash, an untagged fence) would slip past the runner unnoticed.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownLanguages =
        new HashSet<string>(StringComparer.Ordinal) { "sh", "text", "csharp", "json", "xml", "proto" };
}
