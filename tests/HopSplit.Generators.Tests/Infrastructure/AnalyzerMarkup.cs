using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HopSplit.Generators.Tests.Infrastructure;

/// <summary>
/// Markup tests for analyzers: <c>{|HS0001:text|}</c> marks where a diagnostic is expected, at exactly
/// that span; nothing else may be reported.
/// </summary>
internal static class AnalyzerMarkup
{
    private static readonly Regex Marker = new(@"\{\|(HS\d{4}):(.*?)\|\}", RegexOptions.Singleline);

    /// <summary>Compiles <paramref name="preamble"/> and the marked source (as Input1.cs) and compares the analyzer's diagnostics with the marks.</summary>
    public static void Verify(DiagnosticAnalyzer analyzer, string preamble, string markup, IEnumerable<AdditionalText>? additionalFiles = null) =>
        VerifyFiles(analyzer, preamble, [markup], additionalFiles);

    /// <summary>Compiles <paramref name="preamble"/> (Input0.cs) and the marked sources (Input1.cs, Input2.cs, ...) and compares
    /// the analyzer's diagnostics, file and span, with the marks of every file.</summary>
    public static void VerifyFiles(DiagnosticAnalyzer analyzer, string preamble, IReadOnlyList<string> markups, IEnumerable<AdditionalText>? additionalFiles = null)
    {
        var expected = new List<(string Id, string File, int Start, int Length)>();
        var sources = new List<string> { preamble };
        for (var i = 0; i < markups.Count; i++)
        {
            var (source, marks) = Unmark(markups[i]);
            sources.Add(source);
            expected.AddRange(marks.Select(m => (m.Id, $"Input{i + 1}.cs", m.Start, m.Length)));
        }

        var diagnostics = Run(analyzer, additionalFiles ?? [], sources.ToArray())
            .Select(d => (d.Id, File: d.Location.GetLineSpan().Path, d.Location.SourceSpan.Start, d.Location.SourceSpan.Length))
            .ToList();
        Assert.Equal(
            expected.OrderBy(e => e.File).ThenBy(e => e.Start).ThenBy(e => e.Id),
            diagnostics.OrderBy(e => e.File).ThenBy(e => e.Start).ThenBy(e => e.Id));
    }

    /// <summary>The source without its marks, and each mark's id and span in it.</summary>
    private static (string Source, List<(string Id, int Start, int Length)> Marks) Unmark(string markup)
    {
        var marks = new List<(string Id, int Start, int Length)>();
        var source = "";
        var last = 0;
        foreach (Match m in Marker.Matches(markup))
        {
            source += markup[last..m.Index];
            marks.Add((m.Groups[1].Value, source.Length, m.Groups[2].Value.Length));
            source += m.Groups[2].Value;
            last = m.Index + m.Length;
        }
        return (source + markup[last..], marks);
    }

    /// <summary>The analyzer's diagnostics on the compiled sources (Input0.cs, Input1.cs, ...).</summary>
    public static IReadOnlyList<Diagnostic> Run(DiagnosticAnalyzer analyzer, params string[] sources) =>
        Run(analyzer, [], sources);

    /// <summary>The analyzer's diagnostics on the compiled sources with these AdditionalFiles.</summary>
    public static IReadOnlyList<Diagnostic> Run(DiagnosticAnalyzer analyzer, IEnumerable<AdditionalText> additionalFiles, params string[] sources) =>
        GeneratorHarness.Compile(sources)
            .WithAnalyzers(ImmutableArray.Create(analyzer), new AnalyzerOptions(additionalFiles.ToImmutableArray()))
            .GetAnalyzerDiagnosticsAsync().Result;

    /// <summary>Every rule of the analyzer links to its docs page, the page exists, and the release file lists it.</summary>
    public static void AssertDocumented(DiagnosticAnalyzer analyzer)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var unshipped = File.ReadAllText(Path.Combine(root, "src", "HopSplit.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var d in analyzer.SupportedDiagnostics)
        {
            Assert.Equal($"docs/diagnostics/{d.Id}.md", d.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", d.Id + ".md")), d.Id);
            Assert.Contains(d.Id + " |", unshipped);
        }
    }
}
