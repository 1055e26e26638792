using System.IO.Compression;
using System.Text.Json;

namespace HopSplit.Packaging.Tests;

/// <summary>The packages as a user gets them: what is inside, a consumer project built on them, the tool installed.</summary>
public class PackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void The_HopSplit_package_carries_the_library_the_generator_and_the_code_fixes()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Folder, $"HopSplit.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/HopSplit.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/HopSplit.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/HopSplit.CodeFixes.dll", entries);
        // The TorchSharp native fix, for consumers on a Linux with an older libstdc++.
        Assert.Contains("build/HopSplit.targets", entries);
        Assert.Contains("build/TorchSharpNativeFix.targets", entries);
        Assert.Contains("build/TorchSharpNativeFix.cs", entries);
        // The generator must not come as a library the consumer's code links against.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName == "HopSplit.nuspec").Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains($"<dependency id=\"HopSplit.Planning\" version=\"{feed.Version}\"", text);
        Assert.Contains("<dependency id=\"TorchSharp\" version=\"0.107.0\"", text);
    }

    [Fact]
    public void The_HopSplit_Distributed_package_carries_the_worker_and_coordinator_with_their_gRPC_dependencies()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Folder, $"HopSplit.Distributed.{feed.Version}.nupkg"));
        Assert.Contains("lib/net10.0/HopSplit.Distributed.dll", package.Entries.Select(e => e.FullName));
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName == "HopSplit.Distributed.nuspec").Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains($"<dependency id=\"HopSplit\" version=\"{feed.Version}\"", text);
        Assert.Contains("<dependency id=\"Grpc.AspNetCore\"", text);
        // Kestrel comes from the shared framework, which the consumer gets through this reference.
        Assert.Contains("<frameworkReference name=\"Microsoft.AspNetCore.App\"", text);
    }

    [Fact]
    public void A_consumer_project_gets_cost_tables_stage_code_a_network_and_diagnostics()
    {
        var project = Directory.CreateTempSubdirectory("hopsplit-consumer-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="hopsplit-test-feed" value="{feed.Folder}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="HopSplit" Version="{feed.Version}" />
                    <PackageReference Include="HopSplit.Distributed" Version="{feed.Version}" />
                    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(project, "Program.cs"), ConsumerSource);

            var build = DotNet.Run(project, "build", "-c", "Release");
            build.AssertSucceeded("building the consumer");
            // The analyzer runs from the package: the custom layer without costs is reported.
            Assert.Contains("warning HS0001", build.Output);
            Assert.Contains("'odd'", build.Output);

            var run = DotNet.Run(project, "run", "-c", "Release", "--no-build");
            run.AssertSucceeded("running the consumer");
            Assert.Contains("Mlp: 3 layers, 6,370 parameters", run.Output);
            Assert.Contains("ISplitModel: True", run.Output);
            Assert.Contains("network: phone, ap, cloud", run.Output);
            Assert.Contains("plan: phone", run.Output);
            // libtorch loads (the package's build/HopSplit.targets fixed it on an older libstdc++) and a step trains.
            Assert.Contains("trained 2 steps, loss fell: True", run.Output);
            // HopSplit.Distributed from the feed: the worker role is there for the consumer's own code.
            Assert.Contains("worker options: listen http://127.0.0.1:0/", run.Output);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public void The_tool_installs_from_the_feed_and_plans()
    {
        // The tool carries HopSplit.Distributed (for hopsplit worker) but never HopSplit, TorchSharp or libtorch:
        // those come from the application it loads.
        using (var package = ZipFile.OpenRead(Path.Combine(feed.Folder, $"HopSplit.Tool.{feed.Version}.nupkg")))
        {
            var files = package.Entries.Select(e => Path.GetFileName(e.FullName)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.Contains("HopSplit.Distributed.dll", files);
            Assert.Contains("Grpc.AspNetCore.Server.dll", files);
            Assert.DoesNotContain("TorchSharp.dll", files);
            Assert.Equal(1, package.Entries.Count(e => e.FullName.EndsWith("/hopsplit.dll", StringComparison.OrdinalIgnoreCase)));
            Assert.True(package.Entries.Sum(e => e.Length) < 20 << 20, "the tool package holds more than 20 MiB: did libtorch or another native library come in?");
        }

        var tools = Directory.CreateTempSubdirectory("hopsplit-tools-").FullName;
        try
        {
            DotNet.Run(tools, "tool", "install", "HopSplit.Tool", "--tool-path", tools, "--add-source", feed.Folder, "--version", feed.Version)
                .AssertSucceeded("dotnet tool install");
            var samples = Path.Combine(feed.RepositoryRoot, "samples", "planning");
            var plan = DotNet.Exec(Path.Combine(tools, "hopsplit"), tools, "plan",
                "--model", Path.Combine(samples, "tiny.model.json"), "--network", Path.Combine(samples, "campus.network.json"), "--batch", "64", "--json");
            plan.AssertSucceeded("hopsplit plan");
            using var json = JsonDocument.Parse(plan.Output);
            Assert.Equal(0.896752, json.RootElement.GetProperty("latencySeconds").GetDouble(), 6);
            Assert.Equal(2, json.RootElement.GetProperty("microBatchSize").GetInt32());
        }
        finally
        {
            Directory.Delete(tools, recursive: true);
        }
    }

    /// <summary>A user's program: a model with one layer the generator cannot cost (HS0001), a network, a plan.</summary>
    private const string ConsumerSource = """
        using HopSplit;
        using HopSplit.Planning;
        using HopSplit.Planning.Model;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        Console.WriteLine($"Mlp: {Mlp.Costs.LayerCount} layers, {Mlp.Costs.Layers.Sum(l => l.Parameters):N0} parameters");
        Console.WriteLine($"ISplitModel: {typeof(ISplitModel).IsAssignableFrom(typeof(Mlp))}");
        Console.WriteLine($"worker options: listen {new HopSplit.Distributed.StageWorkerHostOptions { Listen = new Uri("http://127.0.0.1:0"), Token = new HopSplit.Distributed.SharedToken("a-token-of-enough-length") }.Listen}");
        Console.WriteLine($"network: {string.Join(", ", Campus.Network.Nodes.Select(n => n.Id))}");
        var plan = Planner.Plan(Mlp.Costs, Campus.Network, new TrainingJob(32));
        Console.WriteLine($"plan: {string.Join(" -> ", plan.Path)}, b = {plan.MicroBatchSize}");

        var problem = new HopSplit.Planning.Costs.PlanningProblem(Mlp.Costs, Campus.Network, new TrainingJob(32));
        using var model = new Mlp();
        using var trainer = HopSplit.Runtime.PipelineTrainer.Create(model, HopSplit.Runtime.PipelineLayout.From(problem, plan),
            new HopSplit.Runtime.PipelineTrainerOptions
            {
                CreateOptimizer = p => TorchSharp.torch.optim.SGD(p, 0.5),
                Emulation = HopSplit.Runtime.NetworkEmulation.None,
            });
        var x = TorchSharp.torch.rand(32, 28 * 28);
        var y = TorchSharp.torch.zeros(32, dtype: TorchSharp.torch.ScalarType.Int64);
        var first = trainer.Step(x, y).Loss;
        var second = trainer.Step(x, y).Loss;
        Console.WriteLine($"trained 2 steps, loss fell: {second < first}");

        [SplitModel(28 * 28)]
        public sealed partial class Mlp : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear fc1 = nn.Linear(28 * 28, 8);
            [Layer] readonly ReLU relu = nn.ReLU();
            [Layer] readonly Linear fc2 = nn.Linear(8, 10);
            public Mlp() : base(nameof(Mlp)) { RegisterComponents(); }
        }

        public sealed class Odd : nn.Module<Tensor, Tensor>
        {
            public Odd() : base("odd") { }
            public override Tensor forward(Tensor x) => x;
        }

        [SplitModel(10)]
        public sealed partial class Unprofiled : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear fc = nn.Linear(10, 10);
            [Layer] readonly Odd odd = new();
            public Unprofiled() : base(nameof(Unprofiled)) { RegisterComponents(); }
            public override Tensor forward(Tensor x) => odd.forward(fc.forward(x));
        }

        [EdgeDevice(Gflops = 10, MemoryMiB = 2048, OverheadMs = 1)] public partial class Phone { }
        [EdgeDevice(Gflops = 200, MemoryMiB = 65536)] public partial class CloudVm { }

        [EdgeNetwork(Source = "phone")]
        [Node("phone", typeof(Phone)), Node("ap", typeof(Relay)), Node("cloud", typeof(CloudVm))]
        [Link("phone", "ap", Mbps = 100, LatencyMs = 2), Link("ap", "cloud", Mbps = 50, LatencyMs = 10)]
        public static partial class Campus { }
        """;
}
