using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Tests;

public class ModelGeneratorTests
{
    private static GeneratorRun Run(params string[] sources) => GeneratorHarness.Run(sources, generator: new ModelGenerator());

    private static ModelSpec Spec(GeneratorRun run) =>
        (ModelSpec)run.Single.TrackedSteps[TrackingNames.ModelSpecs].SelectMany(s => s.Outputs).Single().Value;

    private static LayerSpec Layer(ModelSpec spec, string name) => spec.Layers.Single(l => l.Name == name);

    [Fact]
    public void DigitNet_cnn()
    {
        var run = Run(ModelSources.DigitNet);
        Assert.Equal(["Demo.DigitNet.Costs.g.cs"], run.Sources.Select(s => s.HintName));
        Snapshot.Match(run);

        var spec = Spec(run);
        Assert.Equal("DigitNet", spec.Name);
        Assert.Equal(784, spec.InputElements);
        Assert.Equal(["conv1", "relu1", "pool1", "flat", "fc1"], spec.Layers.Select(l => l.Name));

        var conv = Layer(spec, "conv1");
        Assert.Equal([1L, 28, 28], conv.InputShape);
        Assert.Equal([32L, 28, 28], conv.OutputShape);
        Assert.Equal(32 * 1 * 3 * 3 + 32, conv.Parameters); // 320
        Assert.Equal(2d * 32 * 28 * 28 * 1 * 3 * 3 + 32 * 28 * 28, conv.ForwardFlops); // 476672
        Assert.Equal(2 * conv.ForwardFlops, conv.BackwardFlops);
        Assert.Equal(25088, conv.OutputElements);
        Assert.Equal("Analysis", conv.Source);

        Assert.Equal(32d * 28 * 28, Layer(spec, "relu1").ForwardFlops);
        Assert.Equal([32L, 14, 14], Layer(spec, "pool1").OutputShape);
        Assert.Equal(32d * 14 * 14 * 4, Layer(spec, "pool1").ForwardFlops);
        Assert.Equal([6272L], Layer(spec, "flat").OutputShape);
        var fc = Layer(spec, "fc1");
        Assert.Equal(6272 * 10 + 10, fc.Parameters);
        Assert.Equal(2d * 6272 * 10 + 10, fc.ForwardFlops);
        Assert.Equal([10L], fc.OutputShape);
    }

    [Fact]
    public void Mlp_with_consts_named_and_optional_arguments_and_a_LayerCost_head()
    {
        var run = Run(ModelSources.Mlp);
        Assert.Equal(["Demo.Models.Mlp.Costs.g.cs"], run.Sources.Select(s => s.HintName));
        Snapshot.Match(run);

        var spec = Spec(run);
        Assert.Equal("mlp", spec.Name);
        Assert.Equal(["fc1", "act", "drop", "norm", "fc2", "head"], spec.Layers.Select(l => l.Name));
        var fc1 = Layer(spec, "fc1");
        Assert.Equal(100480, fc1.Parameters); // Linear(784, 128): 784 * 128 + 128
        Assert.Equal(2d * 784 * 128 + 128, fc1.ForwardFlops);
        Assert.Equal(128 * 8, Layer(spec, "act").ForwardFlops);
        Assert.Equal(2 * 128, Layer(spec, "norm").Parameters);
        var fc2 = Layer(spec, "fc2");
        Assert.Equal(128 * 10, fc2.Parameters); // named arguments out of order, hasBias: false
        Assert.Equal(2d * 128 * 10, fc2.ForwardFlops);
        var head = Layer(spec, "head");
        Assert.Equal(("MyHead", "Attribute", 4.2e5, 8.4e5, 10d, 10d), (head.Kind, head.Source, head.ForwardFlops, head.BackwardFlops, head.Parameters, head.OutputElements));
    }

    [Fact]
    public void Vgg16_has_torchvisions_parameter_count()
    {
        var spec = Spec(Run(ModelSources.Vgg16));
        Assert.Equal(138_357_544, spec.Layers.Sum(l => l.Parameters));
        Assert.Equal(13 + 15 + 5 + 1 + 1 + 3 + 2, spec.Layers.Count);
        Assert.Equal([512L, 7, 7], Layer(spec, "p5").OutputShape);
        Assert.Equal([25088L], Layer(spec, "flat").OutputShape);
        Assert.Equal(1000, spec.Layers[^1].OutputElements);
        // About 15.5 GMAC forward, i.e. ~31 GFLOP (the commonly quoted 15.5 G multiply-adds).
        Assert.InRange(spec.Layers.Sum(l => l.ForwardFlops), 30.9e9, 31.1e9);
    }

    [Theory]
    [InlineData("nn.Conv1d(4, 8, 5, stride: 2, padding: 2, bias: false)", "4, 100", "8, 50", 8 * 4 * 5)]
    [InlineData("nn.Conv2d(4, 8, (3, 5), stride: (2, 1), groups: 2)", "4, 9, 9", "8, 4, 5", 8 * 2 * 15 + 8)]
    [InlineData("nn.Conv2d(3, 6, 3, TorchSharp.Padding.Same, dilation: 2)", "3, 10, 10", "6, 10, 10", 6 * 3 * 9 + 6)]
    [InlineData("nn.BatchNorm2d(16)", "16, 4, 4", "16, 4, 4", 32)]
    [InlineData("nn.BatchNorm1d(16, affine: false)", "16", "16", 0)]
    [InlineData("nn.LayerNorm(new long[] { 4, 5 })", "3, 4, 5", "3, 4, 5", 40)]
    [InlineData("nn.Embedding(1000, 64)", "12", "12, 64", 64000)]
    [InlineData("nn.MaxPool2d(3, stride: 2, ceil_mode: true)", "8, 10, 10", "8, 5, 5", 0)]
    [InlineData("nn.MaxPool1d(2)", "8, 9", "8, 4", 0)]
    [InlineData("nn.AvgPool2d(2, padding: 1)", "8, 9, 9", "8, 5, 5", 0)]
    [InlineData("nn.AdaptiveAvgPool2d(1)", "8, 9, 9", "8, 1, 1", 0)]
    [InlineData("nn.Flatten(2)", "8, 9, 9", "8, 81", 0)]
    [InlineData("nn.Softmax(-1)", "10", "10", 0)]
    [InlineData("nn.LeakyReLU(0.2)", "10", "10", 0)]
    [InlineData("nn.Sigmoid()", "10", "10", 0)]
    [InlineData("nn.Tanh()", "10", "10", 0)]
    [InlineData("nn.Linear(5, 3)", "7, 5", "7, 3", 18)]
    public void Single_layer_shapes_and_parameters(string factory, string input, string output, int parameters)
    {
        var spec = Spec(Run(ModelSources.Usings + $$"""
            [SplitModel({{input}})] public partial class M { [Layer] readonly nn.Module<Tensor, Tensor> l = {{factory}}; }
            """));
        var layer = spec.Layers.Single();
        Assert.Equal(output, string.Join(", ", layer.OutputShape));
        Assert.Equal(parameters, layer.Parameters);
        Assert.Equal(layer.OutputShape.Aggregate(1d, (a, d) => a * d), layer.OutputElements);
        Assert.Equal(2 * layer.ForwardFlops, layer.BackwardFlops);
    }

    [Theory]
    [InlineData("nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2))", "3, 8, 8", "8, 4, 4", 8 * 27 + 8)]
    [InlineData("nn.Sequential((\"fc\", nn.Linear(10, 4)), (\"act\", nn.ReLU()))", "10", "4", 44)]
    [InlineData("nn.Sequential(nn.Sequential(nn.Linear(10, 4), nn.ReLU()), nn.Linear(4, 2))", "10", "2", 44 + 10)]
    [InlineData("nn.Sequential((\"body\", nn.Sequential((\"c\", nn.Conv2d(4, 4, 3, padding: 1, bias: false)), (\"n\", nn.BatchNorm2d(4)))), (\"flat\", nn.Flatten()), (\"fc\", nn.Linear(64, 3)))", "4, 4, 4", "3", 144 + 8 + 195)]
    [InlineData("nn.Sequential(nn.Linear(6, 6))", "2, 6", "2, 6", 42)]
    public void Sequential_flattens_shapes_parameters_and_flops(string factory, string input, string output, int parameters)
    {
        var spec = Spec(Run(ModelSources.Usings + $$"""
            [SplitModel({{input}})] public partial class M { [Layer] readonly Sequential s = {{factory}}; }
            """));
        var layer = spec.Layers.Single();
        Assert.Equal("Sequential", layer.Kind);
        Assert.Equal("Analysis", layer.Source);
        Assert.Equal(output, string.Join(", ", layer.OutputShape));
        Assert.Equal(parameters, layer.Parameters);
        Assert.Equal(2 * layer.ForwardFlops, layer.BackwardFlops);
    }

    [Fact]
    public void Sequential_costs_are_the_sums_of_its_children()
    {
        var flat = Spec(Run(ModelSources.Usings + """
            [SplitModel(3, 8, 8)] public partial class M
            {
                [Layer] readonly Conv2d c = nn.Conv2d(3, 8, 3, padding: 1);
                [Layer] readonly ReLU r = nn.ReLU();
                [Layer] readonly MaxPool2d p = nn.MaxPool2d(2);
                [Layer] readonly Flatten f = nn.Flatten();
                [Layer] readonly Linear l = nn.Linear(128, 10);
            }
            """));
        var nested = Spec(Run(ModelSources.Usings + """
            [SplitModel(3, 8, 8)] public partial class M
            {
                [Layer] readonly Sequential s = nn.Sequential(nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU()), nn.MaxPool2d(2), nn.Flatten());
                [Layer] readonly Linear l = nn.Linear(128, 10);
            }
            """));
        Assert.Equal(flat.Layers.Sum(l => l.Parameters), nested.Layers.Sum(l => l.Parameters));
        Assert.Equal(flat.Layers.Sum(l => l.ForwardFlops), nested.Layers.Sum(l => l.ForwardFlops));
        Assert.Equal(flat.Layers.Take(4).Sum(l => l.ForwardFlops), nested.Layers[0].ForwardFlops);
        Assert.Equal([128L], nested.Layers[0].OutputShape);
        Assert.Equal([3L, 8, 8], nested.Layers[0].InputShape);
    }

    [Fact]
    public void BasicBlock_binds_constructor_arguments_and_adds_the_shortcut()
    {
        var spec = Spec(Run(ModelSources.Usings + ModelSources.BasicBlock + """

            [SplitModel(64, 8, 8)] public partial class M
            {
                [Layer] readonly BasicBlock same = new BasicBlock(64, 64);
                [Layer] readonly BasicBlock down = new(64, 128, stride: 2);
            }
            """));
        var same = Layer(spec, "same");
        Assert.Equal("BasicBlock", same.Kind);
        Assert.Equal([64L, 8, 8], same.OutputShape);
        Assert.Equal(2 * (64 * 64 * 9 + 2 * 64), same.Parameters); // no downsample
        var conv = 2d * 64 * 8 * 8 * 64 * 9; // bias: false
        var bn = 4d * 64 * 8 * 8;
        Assert.InRange(same.ForwardFlops, 2 * conv + 64 * 8 * 8, 2 * conv + 2 * bn + 64 * 8 * 8 * 4); // + relu and the add
        var down = Layer(spec, "down");
        Assert.Equal([128L, 4, 4], down.OutputShape);
        Assert.Equal(128 * 64 * 9 + 128 * 128 * 9 + 2 * 2 * 128 + (128 * 64 + 2 * 128), down.Parameters);
    }

    [Fact]
    public void ResNet18_has_torchvisions_parameter_count()
    {
        var run = Run(ModelSources.ResNet18);
        Snapshot.Match(run);
        var spec = Spec(run);
        Assert.Equal(11_689_512, spec.Layers.Sum(l => l.Parameters));
        Assert.Equal(["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten", "fc"], spec.Layers.Select(l => l.Name));
        Assert.Equal([64L, 56, 56], Layer(spec, "maxpool").OutputShape);
        Assert.Equal([64L, 56, 56], Layer(spec, "layer1").OutputShape);
        Assert.Equal([128L, 28, 28], Layer(spec, "layer2").OutputShape);
        Assert.Equal([256L, 14, 14], Layer(spec, "layer3").OutputShape);
        Assert.Equal([512L, 7, 7], Layer(spec, "layer4").OutputShape);
        Assert.Equal("Sequential", Layer(spec, "layer4").Kind);
        Assert.Equal(1000, spec.Layers[^1].OutputElements);
        // About 1.8 GMAC forward (the commonly quoted figure), i.e. ~3.6 GFLOP.
        Assert.InRange(spec.Layers.Sum(l => l.ForwardFlops), 3.6e9, 3.7e9);
        Assert.True(spec.Callable);
    }

    [Fact]
    public void Unrelated_file_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(ModelSources.DigitNet);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public class Unrelated { public int X => 42; }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertAllCached(result);
        GeneratorHarness.AssertNoRoslynObjects(result);
        Assert.Single(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Editing_a_block_in_another_file_regenerates_the_model()
    {
        var block = ModelSources.Usings + ModelSources.BasicBlock;
        var model = ModelSources.Usings + "namespace Demo; [SplitModel(64, 8, 8)] public partial class M { [Layer] readonly BasicBlock b = new(64, 64); }";
        var compilation = GeneratorHarness.Compile(block, model);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var old = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(
            block.Replace("conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false)", "conv2 = nn.Conv2d(planes, planes, 3, padding: 1)"),
            GeneratorHarness.ParseOptions, path: old.FilePath));
        var text = driver.RunGenerators(edited).GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains($", 4096, {2 * (64 * 64 * 9 + 128) + 64}),", text); // conv2 now has a bias: 74048 parameters
    }

    [Fact]
    public void Editing_a_layer_regenerates_the_model()
    {
        var compilation = GeneratorHarness.Compile(ModelSources.DigitNet);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var old = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(
            ModelSources.DigitNet.Replace("nn.Conv2d(1, 32, 3, padding: 1)", "nn.Conv2d(1, 32, 3, padding: 1, bias: false)"),
            GeneratorHarness.ParseOptions, path: old.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified,
            result.TrackedSteps[TrackingNames.ModelSpecs].SelectMany(s => s.Outputs).Select(o => o.Reason));
        Assert.Contains("new(\"conv1\", 451584, 903168, 25088, 288),", result.GeneratedSources.Single().SourceText.ToString());
    }

    public static TheoryData<string, string> BrokenModels => new()
    {
        { "unprofiled layer", "[SplitModel(10)] public partial class M { [Layer] readonly Module<Tensor, Tensor> l = nn.LSTM(10, 10); }" },
        { "custom module without LayerCost", "public class C : nn.Module<Tensor, Tensor> { public C() : base(\"c\") { } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { [Layer] readonly C c = new(); }" },
        { "non-constant argument", "[SplitModel(10)] public partial class M { static int n = 10; [Layer] readonly Linear l = nn.Linear(n, 3); }" },
        { "shape mismatch", "[SplitModel(10)] public partial class M { [Layer] readonly Linear l = nn.Linear(11, 3); }" },
        { "not partial", "[SplitModel(10)] public class M { [Layer] readonly Linear l = nn.Linear(10, 3); }" },
        { "zero dimension", "[SplitModel(10, 0)] public partial class M { [Layer] readonly Linear l = nn.Linear(10, 3); }" },
        { "empty shape", "[SplitModel] public partial class M { [Layer] readonly Linear l = nn.Linear(10, 3); }" },
        { "no layers", "[SplitModel(10)] public partial class M { }" },
        { "half-typed call", "[SplitModel(10)] public partial class M { [Layer] readonly Linear l = nn.Linear(10, ; }" },
        { "half-typed attribute", "[SplitModel(10, ] public partial class M { [Layer] readonly Linear l = nn.Linear(10, 3); }" },
        { "unknown factory", "[SplitModel(10)] public partial class M { [Layer] readonly Linear l = nn.Nope(10, 3); }" },
        { "wrong argument types", "[SplitModel(\"ten\")] public partial class M { [Layer] readonly Linear l = nn.Linear(\"10\", 3.5); }" },
        { "LayerCost without output shape", "[SplitModel(10)] public partial class M { [Layer, LayerCost(ForwardFlops = 1)] readonly Linear l = null!; }" },
        { "negative LayerCost", "[SplitModel(10)] public partial class M { [Layer, LayerCost(ForwardFlops = -1, OutputShape = new[] { 3 })] readonly Linear l = null!; }" },
        { "pool larger than input", "[SplitModel(1, 2, 2)] public partial class M { [Layer] readonly MaxPool2d p = nn.MaxPool2d(5); }" },
        { "generic model", "[SplitModel(10)] public partial class M<T> { [Layer] readonly Linear l = nn.Linear(10, 3); }" },
        { "empty Sequential", "[SplitModel(10)] public partial class M { [Layer] readonly Sequential s = nn.Sequential(); }" },
        { "shape mismatch inside nested Sequential", "[SplitModel(10)] public partial class M { [Layer] readonly Sequential s = nn.Sequential(nn.Linear(10, 4), nn.Sequential(nn.ReLU(), nn.Linear(5, 2))); }" },
        { "Sequential of a custom module", "public class C : nn.Module<Tensor, Tensor> { public C() : base(\"c\") { } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { [Layer] readonly Sequential s = nn.Sequential(nn.Linear(10, 4), new C()); }" },
        { "Sequential of a module array", "[SplitModel(10)] public partial class M { static Module<Tensor, Tensor>[] ms = { nn.Linear(10, 4) }; [Layer] readonly Sequential s = nn.Sequential(ms); }" },
        { "block with a non-constant condition", "[LayerBlock(Residual = true)] public class B : nn.Module<Tensor, Tensor> { [Layer] readonly Module<Tensor, Tensor> a; public B(long n) : base(\"b\") { if (System.Environment.TickCount > n) a = nn.ReLU(); else a = nn.Tanh(); } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { [Layer] readonly B b = new(10); }" },
        { "residual block changing the shape", "[LayerBlock(Residual = true)] public class B : nn.Module<Tensor, Tensor> { [Layer] readonly Linear a; public B(long i, long o) : base(\"b\") { a = nn.Linear(i, o); } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { [Layer] readonly B b = new(10, 4); }" },
        { "block with an unassigned layer", "[LayerBlock] public class B : nn.Module<Tensor, Tensor> { [Layer] readonly Linear a = null!; [Layer] readonly Linear c; public B() : base(\"b\") { } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { [Layer] readonly B b = new(); }" },
        { "block argument not constant", "[LayerBlock] public class B : nn.Module<Tensor, Tensor> { [Layer] readonly Linear a; public B(long n) : base(\"b\") { a = nn.Linear(10, n); } public override Tensor forward(Tensor x) => x; } [SplitModel(10)] public partial class M { static long k = 3; [Layer] readonly B b = new(k); }" },
        { "overflowing sizes", "[SplitModel(int.MaxValue, int.MaxValue, int.MaxValue)] public partial class M { [Layer] readonly Flatten f = nn.Flatten(); }" },
    };

    [Theory]
    [MemberData(nameof(BrokenModels))]
    public void Broken_models_never_throw_and_get_no_cost_table(string name, string source)
    {
        var run = GeneratorHarness.Run([ModelSources.Usings + source], expectValidOutput: false, generator: new ModelGenerator());
        // A model whose layers are modules may still get its stage code (so HS0001, not a missing forward, stops the build).
        Assert.True(!run.Sources.Any(s => s.Text.Contains("CostTable")), $"{name}: {string.Join(", ", run.Sources.Select(s => s.HintName))}");
    }

    private static IMethodSymbol[] Forwards(GeneratorRun run, string type) =>
        run.Output.GetTypeByMetadataName(type)!.GetMembers("forward").OfType<IMethodSymbol>().ToArray();

    private static bool IsSplitModel(GeneratorRun run, string type) =>
        run.Output.GetTypeByMetadataName(type)!.AllInterfaces.Any(i => i.ToDisplayString() == "HopSplit.ISplitModel");

    [Fact]
    public void Model_without_forward_gets_ForwardLayers_Stage_and_an_override_of_forward()
    {
        var run = Run(ModelSources.Chain);
        Snapshot.Match(run);
        var spec = Spec(run);
        Assert.True(spec.Callable);
        Assert.Equal(GeneratedForward.Override, spec.Forward);
        Assert.True(IsSplitModel(run, "Demo.Chain"));
        var forward = Assert.Single(Forwards(run, "Demo.Chain"));
        Assert.True(forward.IsOverride);
        var text = run.Sources.Single().Text;
        Assert.Contains("case 0: x = this.x.forward(x); break;", text);
        Assert.Contains("case 1: x = this.@event.forward(x); break;", text);
        Assert.Contains("case 2: x = this.input.forward(x); break;", text);
        Assert.Contains("ForwardLayers(0, 2, input);", text);
    }

    [Fact]
    public void Model_with_its_own_forward_gets_no_generated_forward()
    {
        var run = Run(ModelSources.DigitNet);
        var spec = Spec(run);
        Assert.True(spec.Callable);
        Assert.Equal(GeneratedForward.None, spec.Forward);
        Assert.True(IsSplitModel(run, "Demo.DigitNet"));
        var forward = Assert.Single(Forwards(run, "Demo.DigitNet"));
        Assert.DoesNotContain(forward.DeclaringSyntaxReferences, r => r.SyntaxTree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(" forward(", run.Sources.Single().Text);
    }

    [Fact]
    public void Model_that_is_not_a_module_gets_a_plain_forward()
    {
        var run = Run(ModelSources.Usings + "[SplitModel(8)] public partial class M { [Layer] readonly Linear fc = nn.Linear(8, 4); }");
        Assert.Equal(GeneratedForward.Plain, Spec(run).Forward);
        var forward = Assert.Single(Forwards(run, "M"));
        Assert.False(forward.IsOverride);
        Assert.True(IsSplitModel(run, "M"));
    }

    [Fact]
    public void Layer_that_is_not_a_tensor_module_gets_costs_but_no_stages()
    {
        var run = Run(ModelSources.TwoInputLayer);
        var spec = Spec(run);
        Assert.False(spec.Callable);
        Assert.Equal(GeneratedForward.None, spec.Forward);
        Assert.False(IsSplitModel(run, "Demo.Joined"));
        Assert.Empty(Forwards(run, "Demo.Joined"));
        Assert.Contains("CostTable", run.Sources.Single().Text);
    }
}
