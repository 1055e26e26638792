using System.Collections.Immutable;
using System.Text.RegularExpressions;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HopSplit.Generators.Tests;

/// <summary>Markup tests: {|HS0101:text|} marks where a diagnostic is expected; nothing else may be reported.</summary>
public class NetworkAnalyzerTests
{
    private const string Devices = """
        [HopSplit.EdgeDevice(Gflops = 10, MemoryMiB = 2048)] public partial class Phone { }
        public class Plain { }
        """;

    [Theory]
    [InlineData("""[HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Phone)), HopSplit.Node("b", typeof(HopSplit.Relay)), HopSplit.Link("a", "b", Mbps = 1)] public static partial class N { }""")]
    [InlineData("""[HopSplit.EdgeNetwork(Source = "a", Sink = "c"), HopSplit.Node("a", typeof(Phone)), HopSplit.Node("b", typeof(HopSplit.Relay)), HopSplit.Node("c", typeof(Phone)), HopSplit.Link("a", "b", Mbps = 1, Directed = true), HopSplit.Link("c", "b", Mbps = 1)] public static partial class N { }""")]
    public void Valid_networks_report_nothing(string source) => Verify(source);

    [Fact]
    public void HS0101_link_to_unknown_node() => Verify(
        """[HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Phone)), HopSplit.Link("a", {|HS0101:"zz"|}, Mbps = 1)] public static partial class N { }""");

    [Fact]
    public void HS0102_missing_source() => Verify(
        """[{|HS0102:HopSplit.EdgeNetwork|}, HopSplit.Node("a", typeof(Phone))] public static partial class N { }""");

    [Fact]
    public void HS0102_source_and_sink_not_nodes() => Verify(
        """[HopSplit.EdgeNetwork({|HS0102:Source = "x"|}, {|HS0102:Sink = "y"|}), HopSplit.Node("a", typeof(Phone))] public static partial class N { }""");

    [Fact]
    public void HS0103_duplicate_node_id() => Verify(
        """[HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Phone)), HopSplit.Node({|HS0103:"a"|}, typeof(HopSplit.Relay))] public static partial class N { }""");

    [Fact]
    public void HS0104_node_of_a_non_device_class() => Verify(
        """[HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", {|HS0104:typeof(Plain)|})] public static partial class N { }""");

    [Fact]
    public void HS0105_invalid_values() => Verify("""
        [HopSplit.EdgeDevice({|HS0105:Gflops = 0|}, MemoryMiB = 1, {|HS0105:OverheadMs = -1|})] public partial class Bad { }
        [{|HS0105:HopSplit.EdgeDevice|}(Gflops = 1)] public partial class NoMemory { }
        [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Phone)), HopSplit.Node("b", typeof(Phone)), HopSplit.Link("a", "b", {|HS0105:Mbps = -5|}, {|HS0105:LatencyMs = -1|})] public static partial class N { }
        """);

    [Fact]
    public void HS0106_sink_unreachable() => Verify(
        """[HopSplit.EdgeNetwork(Source = "a", {|HS0106:Sink = "c"|}), HopSplit.Node("a", typeof(Phone)), HopSplit.Node("b", typeof(Phone)), HopSplit.Node("c", typeof(Phone)), HopSplit.Link("b", "a", Mbps = 1, Directed = true), HopSplit.Link("b", "c", Mbps = 1)] public static partial class N { }""");

    [Fact]
    public void Every_descriptor_has_a_docs_page_and_a_release_entry()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var unshipped = File.ReadAllText(Path.Combine(root, "src", "HopSplit.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var d in new NetworkAnalyzer().SupportedDiagnostics)
        {
            Assert.Equal($"docs/diagnostics/{d.Id}.md", d.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", d.Id + ".md")), d.Id);
            Assert.Contains(d.Id + " |", unshipped);
        }
    }

    private static readonly Regex Markup = new(@"\{\|(HS\d{4}):(.*?)\|\}", RegexOptions.Singleline);

    private static void Verify(string markup)
    {
        var expected = new List<(string Id, int Start, int Length)>();
        var source = "";
        var last = 0;
        foreach (Match m in Markup.Matches(markup))
        {
            source += markup[last..m.Index];
            expected.Add((m.Groups[1].Value, source.Length, m.Groups[2].Value.Length));
            source += m.Groups[2].Value;
            last = m.Index + m.Length;
        }
        source += markup[last..];

        var compilation = GeneratorHarness.Compile(Devices, source);
        var diagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().Result
            .Select(d => (d.Id, d.Location.SourceSpan.Start, d.Location.SourceSpan.Length, File: d.Location.SourceTree!.FilePath))
            .ToList();
        Assert.All(diagnostics, d => Assert.Equal("Input1.cs", d.File));
        Assert.Equal(
            expected.OrderBy(e => e.Start).ThenBy(e => e.Id),
            diagnostics.Select(d => (d.Id, d.Start, d.Length)).OrderBy(e => e.Start).ThenBy(e => e.Id));
    }
}
