using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Tests;

public class NetworkGeneratorTests
{
    [Fact]
    public void Campus_example_generates_profiles_and_network()
    {
        var run = GeneratorHarness.Run([Sources.Devices, Sources.Campus]);
        Assert.Equal(["Demo.Campus.g.cs", "Demo.CloudVm.g.cs", "Demo.Phone.g.cs"], run.Sources.Select(s => s.HintName));
        Snapshot.Match(run);
    }

    [Fact]
    public void Network_with_sink_directed_link_and_nesting()
    {
        var run = GeneratorHarness.Run([Sources.Factory]);
        Assert.Equal(["Demo.Plants.Gpu.g.cs", "Demo.Plants.Sensor.g.cs", "Demo.Plants.Sites.Factory.g.cs"], run.Sources.Select(s => s.HintName));
        Snapshot.Match(run);
    }

    [Fact]
    public void Global_namespace_and_keyword_names_compile()
    {
        var run = GeneratorHarness.Run(["""
            [HopSplit.EdgeDevice(Gflops = 1, MemoryMiB = 1)] public partial class @event { }
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(@event))] public static partial class Solo { }
            """]);
        Assert.Equal(["Solo.g.cs", "event.g.cs"], run.Sources.Select(s => s.HintName));
        Snapshot.Match(run);
    }

    [Fact]
    public void Unrelated_file_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(Sources.Devices, Sources.Campus);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public class Unrelated { public int X => 42; }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertAllCached(result);
        GeneratorHarness.AssertNoRoslynObjects(result);
        Assert.Equal(3, result.Results.Single().GeneratedSources.Length);
    }

    [Fact]
    public void Editing_a_device_regenerates_the_networks_that_use_it()
    {
        var compilation = GeneratorHarness.Compile(Sources.Devices, Sources.Campus);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var oldTree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(
            Sources.Devices.Replace("Gflops = 10,", "Gflops = 20,"), GeneratorHarness.ParseOptions, path: oldTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var campus = result.GeneratedSources.Single(s => s.HintName == "Demo.Campus.g.cs").SourceText.ToString();
        Assert.Contains("new(\"phone\", 20000000000, 2147483648, 0.001),", campus);
        var reasons = result.TrackedSteps[TrackingNames.NetworkModels].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        // Only the phone changed: CloudVm's model is reused.
        var devices = result.TrackedSteps[TrackingNames.DeviceModels].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Single(devices, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(devices, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    public static TheoryData<string, string> BrokenSources => new()
    {
        { "missing brace", "[HopSplit.EdgeDevice(Gflops = 10, MemoryMiB = 2048)] public partial class Phone {" },
        { "half-typed attribute", "[HopSplit.EdgeDevice(Gflops = , MemoryMiB = 2048 public partial class Phone { }" },
        { "wrong argument types", "[HopSplit.EdgeDevice(Gflops = \"fast\", MemoryMiB = true)] public partial class Phone { }" },
        { "zero flops", "[HopSplit.EdgeDevice(Gflops = 0, MemoryMiB = 1)] public partial class Phone { }" },
        { "unknown device type", """
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Nope))] public static partial class N { }
            """ },
        { "node of a non-device class", """
            public class Plain { }
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(Plain))] public static partial class N { }
            """ },
        { "node with wrong argument types", """
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node(42, "Relay")] public static partial class N { }
            """ },
        { "missing source", """
            [HopSplit.EdgeNetwork, HopSplit.Node("a", typeof(HopSplit.Relay))] public static partial class N { }
            """ },
        { "source not a node", """
            [HopSplit.EdgeNetwork(Source = "b"), HopSplit.Node("a", typeof(HopSplit.Relay))] public static partial class N { }
            """ },
        { "duplicate node ids", """
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(HopSplit.Relay)), HopSplit.Node("a", typeof(HopSplit.Relay))]
            public static partial class N { }
            """ },
        { "link to unknown node", """
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(HopSplit.Relay)), HopSplit.Link("a", "zz", Mbps = 1)]
            public static partial class N { }
            """ },
        { "negative latency", """
            [HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(HopSplit.Relay)), HopSplit.Node("b", typeof(HopSplit.Relay)), HopSplit.Link("a", "b", Mbps = 1, LatencyMs = -1)]
            public static partial class N { }
            """ },
        { "device and network at once", """
            [HopSplit.EdgeDevice(Gflops = 1, MemoryMiB = 1), HopSplit.EdgeNetwork(Source = "a"), HopSplit.Node("a", typeof(HopSplit.Relay))]
            public static partial class N { }
            """ },
        { "duplicate attribute on partial parts", """
            [HopSplit.EdgeDevice(Gflops = 1, MemoryMiB = 1)] public partial class P { }
            [HopSplit.EdgeDevice(Gflops = 2, MemoryMiB = 1)] public partial class P { }
            """ },
        { "generic device", "[HopSplit.EdgeDevice(Gflops = 1, MemoryMiB = 1)] public partial class G<T> { }" },
        { "attribute on a struct", "[HopSplit.EdgeDevice(Gflops = 1, MemoryMiB = 1)] public partial struct S { }" },
    };

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public void Broken_code_never_throws_and_emits_nothing_for_the_broken_type(string name, string source)
    {
        var run = GeneratorHarness.Run([source], expectValidOutput: false);
        Assert.True(run.Sources.Count == 0 || name == "missing brace", $"{name}: {string.Join(", ", run.Sources.Select(s => s.HintName))}");
    }
}
