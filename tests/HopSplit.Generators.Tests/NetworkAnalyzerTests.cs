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
    public void Every_descriptor_has_a_docs_page_and_a_release_entry() =>
        AnalyzerMarkup.AssertDocumented(new NetworkAnalyzer());

    private static void Verify(string markup) => AnalyzerMarkup.Verify(new NetworkAnalyzer(), Devices, markup);
}
