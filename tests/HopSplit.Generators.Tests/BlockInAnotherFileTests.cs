using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using static HopSplit.Generators.Tests.ProfileSources;

namespace HopSplit.Generators.Tests;

/// <summary>
/// A [LayerBlock] class declared in another file than the model that creates it: the analyzer reads it as the generator
/// does and reports what is wrong at the narrowest place, in the block's file when the block's own text is at fault
/// (Input1.cs here) and in the model's file (Input2.cs) when the model's <c>new Block(...)</c> or its arguments are.
/// </summary>
public class BlockInAnotherFileTests
{
    private const string Head = """
        public class MyHead : nn.Module<Tensor, Tensor> { public MyHead() : base("h") { } public override Tensor forward(Tensor x) => x; }
        """;

    private static void Verify(string block, string model, params AdditionalText[] profiles) =>
        AnalyzerMarkup.VerifyFiles(new ModelAnalyzer(), ModelSources.Usings + Head, [ModelSources.Usings + block, ModelSources.Usings + model], profiles);

    private const string Pair = """
        [LayerBlock]
        public sealed class Pair : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear up;
            [Layer] readonly Linear down;
            public Pair(long n, long wide) : base("pair") { up = nn.Linear(n, wide); down = nn.Linear(wide, n); }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    [Fact]
    public void Valid_blocks_in_another_file_report_nothing()
    {
        Verify(ModelSources.BasicBlock, """
            namespace Demo;
            [SplitModel(64, 8, 8)]
            public partial class M
            {
                [Layer] readonly BasicBlock same = new(64, 64);
                [Layer] readonly BasicBlock down = new(64, 128, 2);
                [Layer] readonly Sequential both = nn.Sequential(new BasicBlock(128, 128), new BasicBlock(128, 128));
            }
            """);
        Verify(Pair, "[SplitModel(10)] public partial class M { [Layer] readonly Pair p = new(10, 32); [Layer] readonly Linear head = nn.Linear(10, 2); }");
    }

    [Fact]
    public void The_blocks_output_shape_reaches_the_next_layer()
    {
        // Pair(10, 32) gives 10 features: a Linear(32, 2) after it does not chain. Before the analyzer read the block's
        // file, the shape after it was unknown and nothing was reported.
        Verify(Pair, "[SplitModel(10)] public partial class M { [Layer] readonly Pair p = new(10, 32); [Layer] readonly Linear head = nn.Linear({|HS0002:32|}, 2); }");
    }

    [Fact]
    public void HS0001_at_a_module_of_the_block_the_generator_cannot_analyse()
    {
        Verify("""
            [LayerBlock]
            public sealed class Blk : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear fc = nn.Linear(10, 10);
                [Layer] readonly MyHead head = {|HS0001:new()|};
                public Blk() : base("b") { }
                public override Tensor forward(Tensor x) => x;
            }
            """, "[SplitModel(10)] public partial class M { [Layer] readonly Blk b = new(); }");
    }

    [Fact]
    public void HS0001_at_the_models_new_when_the_blocks_constructor_cannot_be_read()
    {
        // The condition does not fold: what the block holds depends on the machine, so the model's layer is unprofiled
        // where it creates the block (as for a block in the model's file).
        Verify("""
            [LayerBlock]
            public sealed class Pick : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Module<Tensor, Tensor>? act;
                public Pick(int n) : base("pick") { if (System.Environment.ProcessorCount > n) act = nn.ReLU(); else act = nn.Tanh(); }
                public override Tensor forward(Tensor x) => x;
            }
            """, "[SplitModel(10)] public partial class M { [Layer] readonly Pick pick = {|HS0001:new(2)|}; }");
    }

    [Fact]
    public void HS0002_at_the_blocks_argument_when_the_block_is_wrong()
    {
        // 16 is written in the block: whatever the model passes, Linear(16, ...) does not take the block's 10 features.
        Verify("""
            [LayerBlock]
            public sealed class Wrong : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a;
                [Layer] readonly Linear b;
                public Wrong(long n) : base("w") { a = nn.Linear(n, 10); b = nn.Linear({|HS0002:16|}, n); }
                public override Tensor forward(Tensor x) => x;
            }
            """, "[SplitModel(10)] public partial class M { [Layer] readonly Wrong w = new(10); }");
    }

    [Fact]
    public void HS0002_at_the_models_argument_when_the_block_only_passes_it_on()
    {
        // Pair(8, 32)'s first Linear takes n = 8 features, the input has 10: the model's 8 is wrong, not the block's n. The
        // same through a this(...) chain of the block and through a block that creates another.
        Verify(Pair + """

            [LayerBlock]
            public sealed class Twice : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Pair inner;
                public Twice(long n) : this(n, 2) { }
                private Twice(long n, long factor) : base("twice") { inner = new Pair(n, factor * n); }
                public override Tensor forward(Tensor x) => x;
            }
            """, """
            [SplitModel(10)] public partial class A { [Layer] readonly Pair p = new({|HS0002:8|}, 32); }
            [SplitModel(10)] public partial class B { [Layer] readonly Twice t = new({|HS0002:n: 8|}); }
            """);
    }

    [Fact]
    public void HS0002_at_the_models_new_when_a_residual_shortcut_does_not_match()
    {
        Verify("""
            [LayerBlock(Residual = true)]
            public sealed class Res : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a;
                public Res(long i, long o) : base("r") { a = nn.Linear(i, o); }
                public override Tensor forward(Tensor x) => x;
            }
            """, "[SplitModel(10)] public partial class M { [Layer] readonly Res ok = new(10, 10); [Layer] readonly Res r = {|HS0002:new(10, 4)|}; }");
    }

    [Fact]
    public void HS0004_in_the_block_and_at_the_models_new()
    {
        // A zero size written in the block is the block's; one passed by the model is the model's; a Shortcut that names no
        // [Layer] member is reported where the model creates the block (the attribute is only read there).
        Verify("""
            [LayerBlock]
            public sealed class Zero : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a;
                public Zero(long n) : base("z") { a = nn.Linear(10, {|HS0004:0|}); }
                public override Tensor forward(Tensor x) => x;
            }
            [LayerBlock(Shortcut = "nope")]
            public sealed class NoShortcut : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a = nn.Linear(10, 10);
                public NoShortcut() : base("s") { }
                public override Tensor forward(Tensor x) => x;
            }
            """ + Pair, """
            [SplitModel(10)] public partial class A { [Layer] readonly Zero z = new(3); }
            [SplitModel(10)] public partial class B { [Layer] readonly NoShortcut s = {|HS0004:new()|}; }
            [SplitModel(10)] public partial class C { [Layer] readonly Pair p = new(10, {|HS0004:0|}); }
            """);
    }

    [Fact]
    public void HS0010_when_the_models_constructors_create_the_block_with_different_sizes()
    {
        Verify(Pair, """
            [SplitModel(10)] public partial class Different
            {
                [Layer] readonly Pair {|HS0010:p|};
                public Different() { p = new Pair(10, 32); }
                public Different(bool wide) { p = new Pair(10, 64); }
            }
            [SplitModel(10)] public partial class Same
            {
                [Layer] readonly Pair p;
                public Same() { p = new Pair(10, 32); }
                public Same(bool wide) { p = new(10, 32); }
            }
            """);
    }

    [Fact]
    public void A_pragma_in_the_blocks_file_silences_what_is_reported_there()
    {
        Verify("""
            [LayerBlock]
            public sealed class Quiet : nn.Module<Tensor, Tensor>
            {
            #pragma warning disable HS0001 // costed by the model's profile
                [Layer] readonly MyHead head = new();
            #pragma warning restore HS0001
                public Quiet() : base("q") { }
                public override Tensor forward(Tensor x) => x;
            }
            [LayerBlock]
            public sealed class Loud : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly MyHead head = {|HS0001:new()|};
                public Loud() : base("l") { }
                public override Tensor forward(Tensor x) => x;
            }
            """, "[SplitModel(10)] public partial class M { [Layer] readonly Quiet q = new(); [Layer] readonly Loud l = new(); }");
    }

    [Fact]
    public void The_model_and_its_block_in_one_file_report_at_the_same_places()
    {
        // The reading does not depend on where the block is: the same markup in one file gives the same diagnostics.
        AnalyzerMarkup.Verify(new ModelAnalyzer(), ModelSources.Usings + Head, ModelSources.Usings + Pair + """

            [SplitModel(10)] public partial class A { [Layer] readonly Pair p = new({|HS0002:8|}, 32); }
            [SplitModel(10)] public partial class C { [Layer] readonly Pair p = new(10, {|HS0004:0|}); }
            """);
    }

    [Fact]
    public void A_profile_row_for_the_models_layer_covers_an_unprofiled_module_of_the_block()
    {
        const string Block = """
            [LayerBlock]
            public sealed class Blk : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly MyHead head = new();
                public Blk() : base("b") { }
                public override Tensor forward(Tensor x) => x;
            }
            """;
        Verify(Block, "[SplitModel(10)] public partial class M { [Layer] readonly Blk b = new(); }", File(Json("M", new Row("b", 10, 20, 10, 0))));
        Verify(Block.Replace("head = new()", "head = {|HS0001:new()|}"), "[SplitModel(10)] public partial class M { [Layer] readonly Blk b = new(); }");
    }

    [Fact]
    public void HS0007_when_a_profile_row_disagrees_with_the_blocks_analysed_parameters()
    {
        // Pair(10, 32): Linear(10, 32) and Linear(32, 10), 352 + 330 = 682 parameters; a row with 600 is stale, 682 is not.
        const string Model = "[SplitModel(10)] public partial class M { [Layer] readonly Pair p = {|HS0007:new(10, 32)|}; }";
        Verify(Pair, Model, File(Json("M", new Row("p", 10, 20, 10, 600))));
        Verify(Pair, Model.Replace("{|HS0007:new(10, 32)|}", "new(10, 32)"), File(Json("M", new Row("p", 10, 20, 10, 682))));
    }

    private const string ResNetPart = """
        namespace Demo;
        [SplitModel(64, 8, 8)]
        public partial class M
        {
            [Layer] readonly BasicBlock same = new(64, 64);
            [Layer] readonly BasicBlock down = new(64, 128, 2);
        }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_every_step_of_a_model_with_a_block_in_another_file_cached()
    {
        var compilation = GeneratorHarness.Compile(ModelSources.Usings + ModelSources.BasicBlock, ModelSources.Usings + ResNetPart,
            "namespace Elsewhere; public sealed class Service { public int Compute(int x) { return x + 1; } }");
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation);
        var first = driver.GetRunResult();
        Assert.Contains("CostTable", Assert.Single(first.Results.Single().GeneratedSources).SourceText.ToString());
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText(
            other.GetText().ToString().Replace("return x + 1;", "return x + 2;"), GeneratorHarness.ParseOptions, path: other.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertAllCached(result);
        GeneratorHarness.AssertNoRoslynObjects(result);
    }

    public static TheoryData<string, string> BrokenBlocks => new()
    {
        { "half-typed factory call", ModelSources.BasicBlock.Replace("bn1 = nn.BatchNorm2d(planes);", "bn1 = nn.BatchNorm2d(planes, ;") },
        { "half-typed constructor", ModelSources.BasicBlock.Replace("public BasicBlock(long inPlanes, long planes, long stride = 1)", "public BasicBlock(long inPlanes, long planes, long stride = ") },
        { "half-typed attribute", ModelSources.BasicBlock.Replace("[LayerBlock(Shortcut = nameof(downsample))]", "[LayerBlock(Shortcut = nameof(]") },
        { "unknown parameter in a factory", ModelSources.BasicBlock.Replace("bn1 = nn.BatchNorm2d(planes);", "bn1 = nn.BatchNorm2d(nope);") },
        { "no constructor", "namespace Demo; [LayerBlock] public sealed class BasicBlock : nn.Module<Tensor, Tensor> { [Layer] readonly Conv2d conv1; public override Tensor forward(Tensor x) => x; }" },
    };

    [Theory]
    [MemberData(nameof(BrokenBlocks))]
    public void A_broken_block_in_another_file_never_throws(string name, string block)
    {
        var sources = new[] { ModelSources.Usings + block, ModelSources.Usings + ResNetPart };
        // Run asserts that the generator threw nothing and reported nothing, twice (the second run cached).
        GeneratorHarness.Run(sources, expectValidOutput: false, generator: new ModelGenerator());
        // An analyzer that throws is reported as AD0001: only HopSplit's own rules may be reported.
        Assert.All(AnalyzerMarkup.Run(new ModelAnalyzer(), sources), d => Assert.True(d.Id.StartsWith("HS", StringComparison.Ordinal), $"{name}: {d}"));
    }

    [Fact]
    public async Task Each_files_own_analysis_reports_the_problems_located_in_it()
    {
        // What an IDE shows for one open document: the analysis of that document alone. The block's problem is in the
        // block's file, the partial part's in the part's file, and the model's file has none of them.
        var block = ModelSources.Usings + """
            [LayerBlock] public sealed class Blk : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Identity id = nn.Identity();
                public Blk() : base("b") { }
                public override Tensor forward(Tensor x) => x;
            }
            public partial class P { [Layer] readonly Linear c = nn.Linear(6, 2); }
            """;
        var model = ModelSources.Usings + """
            [SplitModel(10)] public partial class M { [Layer] readonly Blk b = new(); }
            [SplitModel(10)] public partial class P { [Layer] readonly Linear a = nn.Linear(10, 8); }
            """;
        var compilation = GeneratorHarness.Compile(block, model);
        var analysis = compilation.WithAnalyzers([new ModelAnalyzer()]);
        async Task<string[]> Of(int file)
        {
            var tree = compilation.SyntaxTrees.ElementAt(file);
            var diagnostics = await analysis.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None);
            return diagnostics.Select(d => d.Id + " " + tree.GetText().ToString(d.Location.SourceSpan)).Order().ToArray();
        }
        Assert.Equal(["HS0001 nn.Identity()", "HS0002 6"], await Of(0));
        Assert.Empty(await Of(1));
        // The whole compilation's analysis reports each once.
        Assert.Equal(["HS0001", "HS0002"], (await analysis.GetAnalyzerDiagnosticsAsync()).Select(d => d.Id).Order());
    }
}
