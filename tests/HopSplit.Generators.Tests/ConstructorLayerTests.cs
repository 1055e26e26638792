using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Tests;

/// <summary>Layers assigned in one of several constructors: this(...) chains, and HS0010 when the constructors disagree.</summary>
public class ConstructorLayerTests
{
    private static ModelSpec Spec(string source)
    {
        var run = GeneratorHarness.Run([ModelSources.Usings + source], generator: new ModelGenerator());
        return (ModelSpec)run.Single.TrackedSteps[TrackingNames.CostedModelSpecs].SelectMany(s => s.Outputs).Single().Value;
    }

    private static void Verify(string markup) => AnalyzerMarkup.Verify(new Diagnostics.ModelAnalyzer(), "", ModelSources.Usings + markup);

    [Fact]
    public void A_chained_constructors_arguments_are_constants_in_the_constructor_it_calls()
    {
        var spec = Spec("""
            namespace Demo;
            [SplitModel(10)]
            public partial class Chained
            {
                [Layer] readonly Linear fc;
                [Layer] readonly Linear? head;
                public Chained() : this(64, wide: true) { }
                public Chained(string name) : this(32, wide: false) { fc = nn.Linear(10, 64); }
                private Chained(long hidden, bool wide)
                {
                    fc = nn.Linear(10, hidden);
                    if (wide) head = nn.Linear(hidden, 4);
                    else head = nn.Linear(64, 4);
                }
            }
            """);
        // Chained(string) chains to (32, false) and then assigns fc itself: the later assignment wins, so both public
        // constructors give fc = Linear(10, 64) and head = Linear(64, 4).
        Assert.Equal([[64L], [4L]], spec.Layers.Select(l => l.OutputShape.ToArray()));
        Assert.Equal([10 * 64 + 64, 64 * 4 + 4], spec.Layers.Select(l => l.Parameters));
        Assert.All(spec.Layers, l => Assert.Equal("Analysis", l.Source));
    }

    [Fact]
    public void Constructors_that_assign_the_same_costs_agree()
    {
        var spec = Spec("""
            namespace Demo;
            [SplitModel(10)]
            public partial class Same
            {
                const int Hidden = 8;
                [Layer] readonly Linear fc;
                public Same() { fc = nn.Linear(10, 8); }
                public Same(int seed) { this.fc = nn.Linear(10, Hidden); }
            }
            """);
        Assert.Equal([8L], Assert.Single(spec.Layers).OutputShape);
    }

    [Fact]
    public void HS0010_when_constructors_assign_different_modules() => Verify("""
        [SplitModel(10)] public partial class Different
        {
            [Layer] readonly Linear {|HS0010:fc|};
            public Different() { fc = nn.Linear(10, 4); }
            public Different(bool wide) : this() { fc = nn.Linear(10, 8); }
        }
        [SplitModel(10)] public partial class Missing
        {
            [Layer] readonly Linear {|HS0010:fc|};
            public Missing() { fc = nn.Linear(10, 4); }
            protected Missing(int seed) { }
        }
        [SplitModel(10)] public partial class PrivateHelper
        {
            [Layer] readonly Linear fc;
            public PrivateHelper() : this(4) { }
            private PrivateHelper(int n) { fc = nn.Linear(10, n); }
        }
        """);

    [Fact]
    public void HS0010_names_both_constructors_and_what_each_assigns()
    {
        var d = Assert.Single(AnalyzerMarkup.Run(new Diagnostics.ModelAnalyzer(), [], ModelSources.Usings + """
            [SplitModel(10)] public partial class Different
            {
                [Layer] readonly Linear fc;
                public Different() { fc = nn.Linear(10, 4); }
                public Different(bool wide) { }
            }
            """));
        Assert.Equal("HS0010", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Layer 'fc' of model 'Different' is a Linear with 44 parameters and output [4] in constructor Different() but not assigned in Different(bool), "
            + "so its costs depend on which constructor runs; assign it the same module in every constructor (chain them with : this(...)), "
            + "initialize it where it is declared, or give it [LayerCost]", d.GetMessage());
    }

    [Fact]
    public void A_public_constructor_with_a_parameter_is_read_as_it_is()
    {
        // Any caller may pass any size to Wide(int): the layer cannot be costed (HS0001 at the call), even though Wide()
        // chains to it with a constant.
        Verify("""
            [SplitModel(10)] public partial class Wide
            {
                [Layer] readonly Linear fc;
                public Wide() : this(4) { }
                public Wide(int n) { fc = {|HS0001:nn.Linear(10, n)|}; }
            }
            """);
    }

    [Fact]
    public void A_profile_costs_a_layer_the_constructors_disagree_on()
    {
        var run = GeneratorHarness.Run([ModelSources.Usings + """
            namespace Demo;
            [SplitModel(10)]
            public partial class Different
            {
                [Layer] readonly Linear fc;
                public Different() { fc = nn.Linear(10, 4); }
                public Different(bool wide) { fc = nn.Linear(10, 8); }
            }
            """], generator: new ModelGenerator(),
            additionalTexts: [ProfileSources.File(ProfileSources.Json("Different", new ProfileSources.Row("fc", 100, 200, 4, 44)))]);
        var spec = (ModelSpec)run.Single.TrackedSteps[TrackingNames.CostedModelSpecs].SelectMany(s => s.Outputs).Single().Value;
        Assert.Equal(("Profile", 44d), (spec.Layers[0].Source, spec.Layers[0].Parameters));
    }

    [Fact]
    public void Editing_the_argument_of_a_this_call_reruns_the_analysis()
    {
        var source = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class M { [Layer] readonly Linear a; public M() : this(4) { } private M(long n) { a = nn.Linear(10, n); } }";
        var compilation = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var old = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(old, Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            source.Replace("this(4)", "this(6)"), GeneratorHarness.ParseOptions, path: old.FilePath));
        var text = driver.RunGenerators(edited).GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("new(\"a\", 126, 252, 6, 66),", text);
    }

    /// <summary>The analyzer's diagnostics on a model split over two files, as (id, file, text at the location).</summary>
    private static List<(string Id, string File, string Text)> AnalyzeTwoFiles(string first, string second)
    {
        var sources = new[] { ModelSources.Usings + first, ModelSources.Usings + second };
        return AnalyzerMarkup.Run(new Diagnostics.ModelAnalyzer(), sources)
            .Select(d => (d.Id, d.Location.GetLineSpan().Path, d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)))
            .OrderBy(d => d.Path, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void The_analyzer_follows_a_this_call_into_another_file_of_the_partial_class()
    {
        // M() chains to M(long) in the other file: analysed with n = 4, it disagrees with M(bool) (HS0010 at the member),
        // as the generator finds.
        var diagnostics = AnalyzeTwoFiles("""
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear fc;
                public M() : this(4) { }
                public M(bool wide) { fc = nn.Linear(10, 8); }
            }
            """, """
            public partial class M
            {
                private M(long n) { fc = nn.Linear(10, n); }
            }
            """);
        Assert.Equal([("HS0010", "Input0.cs", "fc")], diagnostics);

        // Agreeing constructors: nothing to report.
        Assert.Empty(AnalyzeTwoFiles("""
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear fc;
                public M() : this(8) { }
                public M(bool wide) { fc = nn.Linear(10, 8); }
            }
            """, """
            public partial class M
            {
                private M(long n) { fc = nn.Linear(10, n); }
            }
            """));
    }

    [Fact]
    public void A_problem_in_a_chained_constructor_in_another_file_is_reported_there()
    {
        var diagnostics = AnalyzeTwoFiles("""
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear fc;
                public M() : this(4, System.Environment.ProcessorCount > 2) { }
            }
            """, """
            public partial class M
            {
                private M(long n, bool wide) { if (wide) fc = nn.Linear(10, n); else fc = nn.Linear(10, 2 * n); }
            }
            """);
        Assert.Equal([("HS0001", "Input1.cs", "wide")], diagnostics);
    }

    [Fact]
    public void The_analyzer_reads_a_layer_declared_in_another_file_of_the_partial_class()
    {
        // The shape does not chain: 8 outputs in this file, 6 inputs in the other (HS0002 at the argument there).
        var diagnostics = AnalyzeTwoFiles("""
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 8);
            }
            """, """
            public partial class M
            {
                [Layer] readonly Linear b = nn.Linear(6, 2);
            }
            """);
        Assert.Equal("HS0002", Assert.Single(diagnostics).Id);
        Assert.Equal("Input1.cs", diagnostics[0].File);
    }

    [Fact]
    public void A_size_passed_on_by_this_is_reported_at_the_argument_of_the_this_call() => Verify("""
        [SplitModel(10)] public partial class Passed
        {
            [Layer] readonly Linear fc;
            [Layer] readonly Linear head;
            public Passed() : this(8, {|HS0002:4|}) { }
            private Passed(long n, long k) { fc = nn.Linear(10, n); head = nn.Linear(k, 2); }
        }
        [SplitModel(10)] public partial class Computed
        {
            [Layer] readonly Linear fc;
            [Layer] readonly Linear head;
            public Computed() : this(8) { }
            private Computed(long n) { fc = nn.Linear(10, n); head = nn.Linear({|HS0002:2 * n|}, 2); }
        }
        """);

    private const string ChainedBlock = """
        [LayerBlock]
        public sealed class Pair : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear up;
            [Layer] readonly Linear down;
            public Pair(long n) : this(n, 2 * n) { down = nn.Linear(2 * n, n, hasBias: false); }   // replaces the chained one's
            private Pair(long n, long wide) : base("pair") { up = nn.Linear(n, wide); down = nn.Linear(wide, n); }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    [Fact]
    public void A_LayerBlock_constructor_that_chains_with_this_is_read_through_the_chain()
    {
        // Pair(10): up = Linear(10, 20) from the chained constructor (220 parameters), down = Linear(20, 10) without bias
        // from its own body, which comes later and wins (200).
        var spec = Spec(ChainedBlock + """
            [SplitModel(10)]
            public partial class M { [Layer] readonly Pair pair = new(10); }
            """);
        var layer = Assert.Single(spec.Layers);
        Assert.Equal(("Pair", 420d), (layer.Kind, layer.Parameters));
        Assert.Equal([10L], layer.OutputShape.ToArray());
        Assert.Equal((2 * 10 * 20 + 20) + 2 * 20 * 10, layer.ForwardFlops); // a multiply-add is 2 FLOPs, plus the bias adds
        Verify(ChainedBlock + "[SplitModel(10)] public partial class M { [Layer] readonly Pair pair = new(10); }");
    }

    [Fact]
    public void A_non_constant_condition_in_a_chained_LayerBlock_constructor_is_reported_at_the_new()
    {
        Verify("""
            [LayerBlock]
            public sealed class Pick : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Module<Tensor, Tensor>? act;
                public Pick() : this(System.Environment.ProcessorCount) { }
                private Pick(int n) : base("pick") { if (n > 2) act = nn.ReLU(); else act = nn.Tanh(); }
                public override Tensor forward(Tensor x) => x;
            }
            [SplitModel(10)] public partial class M { [Layer] readonly Pick pick = {|HS0001:new()|}; }
            """);
    }
}
