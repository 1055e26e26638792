using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;

namespace HopSplit.Generators.Tests;

/// <summary>Models without layers (HS0008), nullable layer types, and layers assigned in the model's constructor.</summary>
public class ModelGapsTests
{
    private static GeneratorRun Run(string source) => GeneratorHarness.Run([ModelSources.Usings + source], generator: new ModelGenerator());

    private static ModelSpec Spec(GeneratorRun run) =>
        (ModelSpec)run.Single.TrackedSteps[TrackingNames.CostedModelSpecs].SelectMany(s => s.Outputs).Single().Value;

    private static void Verify(string markup) =>
        AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ModelSources.Usings + markup);

    [Fact]
    public void HS0008_model_without_layers() => Verify("""
        [SplitModel(10)] public partial class {|HS0008:Empty|} { readonly Linear l = nn.Linear(10, 2); }
        [SplitModel(10)] public partial class Split { }
        public partial class Split { [Layer] readonly Linear l = nn.Linear(10, 2); }
        """);

    [Fact]
    public void HS0009_layer_that_is_not_a_tensor_to_tensor_module() => Verify("""
        public sealed class Mixer : nn.Module<Tensor, Tensor, Tensor>
        {
            public Mixer() : base("mix") { }
            public override Tensor forward(Tensor a, Tensor b) => a + b;
        }
        [SplitModel(16)]
        public partial class Net : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear fc = nn.Linear(16, 8);
            [Layer, LayerCost(ForwardFlops = 256, OutputShape = new[] { 8 })] readonly Mixer {|HS0009:mix|} = new();
            [Layer] readonly ReLU? act = nn.ReLU();
            public Net() : base("net") { }
            public override Tensor forward(Tensor x) => x;
        }
        """);

    [Fact]
    public void Model_with_a_non_tensor_layer_still_gets_costs_but_no_stage_code()
    {
        var run = GeneratorHarness.Run([ModelSources.Usings + """
            public sealed class Mixer : nn.Module<Tensor, Tensor, Tensor>
            {
                public Mixer() : base("mix") { }
                public override Tensor forward(Tensor a, Tensor b) => a + b;
            }
            [SplitModel(16)]
            public partial class Net : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear fc = nn.Linear(16, 8);
                [Layer, LayerCost(ForwardFlops = 256, OutputShape = new[] { 8 })] readonly Mixer mix = new();
                public Net() : base("net") { }
                public override Tensor forward(Tensor x) => x;
            }
            """], generator: new ModelGenerator());
        var spec = Spec(run);
        Assert.False(spec.Callable);
        Assert.Equal(2, spec.Layers.Count);
        var source = Assert.Single(run.Sources).Text;
        Assert.Contains("Costs", source);
        Assert.DoesNotContain("ISplitModel", source);
    }

    [Fact]
    public void Nullable_layer_types_compile_without_warnings()
    {
        // The harness compiles the output with nullable warnings on: the generated calls need '!'.
        var run = Run("""
            namespace Demo;
            [SplitModel(10)]
            public sealed partial class Nullables : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear? fc1 = nn.Linear(10, 4);
                [Layer] public ReLU? Act { get; } = nn.ReLU();
                [Layer] readonly Linear fc2 = nn.Linear(4, 2);
                public Nullables() : base(nameof(Nullables)) { RegisterComponents(); }
            }
            """);
        var spec = Spec(run);
        Assert.Equal([true, true, false], spec.Layers.Select(l => l.MaybeNull));
        var text = run.Sources.Single().Text;
        Assert.Contains("0 => this.fc1!,", text);
        Assert.Contains("case 1: x = this.Act!.forward(x); break;", text);
        Assert.Contains("case 2: x = this.fc2.forward(x); break;", text);
    }

    [Fact]
    public void Layers_assigned_in_the_constructor_are_analysed()
    {
        var run = Run("""
            namespace Demo;
            [SplitModel(1, 28, 28)]
            public sealed partial class Ctor : nn.Module<Tensor, Tensor>
            {
                const bool Wide = true;
                [Layer] readonly Conv2d conv;
                [Layer] readonly Flatten flat = nn.Flatten();
                [Layer] readonly Linear fc;
                public Ctor() : base(nameof(Ctor))
                {
                    conv = nn.Conv2d(1, 8, 3, padding: 1);
            #pragma warning disable CS0162 // the branch a constant condition never takes
                    if (Wide) this.fc = nn.Linear(8 * 28 * 28, 20);
                    else fc = nn.Linear(8 * 28 * 28, 10);
            #pragma warning restore CS0162
                    RegisterComponents();
                }
            }
            """);
        var spec = Spec(run);
        Assert.Equal(["conv", "flat", "fc"], spec.Layers.Select(l => l.Name));
        Assert.All(spec.Layers, l => Assert.Equal("Analysis", l.Source));
        Assert.Equal(8 * 9 + 8, spec.Layers[0].Parameters);
        Assert.Equal([20L], spec.Layers[2].OutputShape);
    }

    [Fact]
    public void HS0001_for_constructor_layers_that_cannot_be_read() => Verify("""
        [SplitModel(10)] public partial class Two
        {
            [Layer] readonly Linear a;
            public Two() { a = nn.Linear(10, 2); }
            public Two(int n) { a = {|HS0001:nn.Linear(10, n)|}; }
        }
        [SplitModel(10)] public partial class Cond
        {
            [Layer] readonly Linear b;
            public Cond(bool big) { if ({|HS0001:big|}) b = nn.Linear(10, 4); else b = nn.Linear(10, 2); }
        }
        [SplitModel(10)] public partial class Unassigned
        {
            [Layer] readonly Linear c = {|HS0001:null!|};
            [Layer] readonly Linear {|HS0001:d|};
            public Unassigned() { }
        }
        [SplitModel(10)] public partial class Shape
        {
            [Layer] readonly Linear e;
            public Shape() { e = nn.Linear({|HS0002:11|}, 2); }
        }
        """);

    [Fact]
    public void Editing_the_constructor_reruns_the_analysis()
    {
        var source = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class M { [Layer] readonly Linear a; public M() { a = nn.Linear(10, 4); } }";
        var compilation = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var old = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(old, Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            source.Replace("nn.Linear(10, 4)", "nn.Linear(10, 6)"), GeneratorHarness.ParseOptions, path: old.FilePath));
        var text = driver.RunGenerators(edited).GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("new(\"a\", 126, 252, 6, 66),", text);
    }

    [Fact]
    public void Identical_initializers_are_analysed_with_their_own_input()
    {
        var spec = Spec(Run("""
            namespace Demo;
            [SplitModel(10)]
            public partial class Twice
            {
                [Layer] readonly ReLU a = nn.ReLU();
                [Layer] readonly Linear fc = nn.Linear(10, 4);
                [Layer] readonly ReLU b = nn.ReLU();
                [Layer] public ReLU C { get; } = nn.ReLU();
            }
            """));
        Assert.Equal([10d, 4, 4], spec.Layers.Where(l => l.Kind == "ReLU").Select(l => l.ForwardFlops));
        Assert.Equal([4L], spec.Layers[2].InputShape);
    }

    [Fact]
    public void Identical_initializer_that_does_not_chain_is_reported_at_its_own_place() => Verify("""
        [SplitModel(10)] public partial class Twice
        {
            [Layer] readonly Linear a = nn.Linear(10, 4);
            [Layer] readonly Linear b = nn.Linear({|HS0002:10|}, 4);
        }
        """);
}
