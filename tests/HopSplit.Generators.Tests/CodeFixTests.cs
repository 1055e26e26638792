using System.Collections.Immutable;
using HopSplit.CodeFixes;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace HopSplit.Generators.Tests;

/// <summary>
/// The code fixes, applied in an AdhocWorkspace whose project has the harness's references: the analyzer's
/// diagnostic goes to the provider, the first action is applied, and every document is compared exactly.
/// </summary>
public class CodeFixTests
{
    private const string Head = """
        public class MyHead : nn.Module<Tensor, Tensor> { public MyHead() : base("h") { } public override Tensor forward(Tensor x) => x; }
        """;

    [Fact]
    public async Task HS0003_adds_partial_after_the_other_modifiers()
    {
        var solution = await ApplyFirstFix(new MakeModelPartialCodeFix(), "HS0003", ModelSources.Usings + """
            [SplitModel(10)]
            public sealed class M
            {
                [Layer] readonly Linear l = nn.Linear(10, 2);
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + """
            [SplitModel(10)]
            public sealed partial class M
            {
                [Layer] readonly Linear l = nn.Linear(10, 2);
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
    }

    [Fact]
    public async Task HS0003_makes_every_declaration_partial_keeping_trivia()
    {
        var solution = await ApplyFirstFix(new MakeModelPartialCodeFix(), "HS0003",
            ModelSources.Usings + """
            namespace Demo;

            [SplitModel(10)]
            class M
            {
                [Layer] readonly Linear l = nn.Linear(10, 2);
            }
            """,
            """
            namespace Demo;

            /// <summary>The other half.</summary>
            class M { }
            """);
        AssertText(solution, 0, ModelSources.Usings + """
            namespace Demo;

            [SplitModel(10)]
            partial class M
            {
                [Layer] readonly Linear l = nn.Linear(10, 2);
            }
            """);
        AssertText(solution, 1, """
            namespace Demo;

            /// <summary>The other half.</summary>
            partial class M { }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_adds_a_placeholder_LayerCost_to_the_Layer_list()
    {
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                [Layer] readonly MyHead b = new();
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly MyHead b = new();
            }
            """);
        // The placeholders are valid (no HS0004), and the layer is now costed (no HS0001).
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_adds_using_HopSplit_only_when_missing_and_keeps_line_layout()
    {
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            namespace Demo;

            [HopSplit.SplitModel(10)]
            public partial class M
            {
                static int n = 10;

                /// <summary>Sized at run time.</summary>
                [HopSplit.Layer]
                readonly Linear a = nn.Linear(n, 4);
            }
            """);
        AssertText(solution, 0, """
            using HopSplit;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            namespace Demo;

            [HopSplit.SplitModel(10)]
            public partial class M
            {
                static int n = 10;

                /// <summary>Sized at run time.</summary>
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [HopSplit.Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })]
                readonly Linear a = nn.Linear(n, 4);
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_on_a_field_without_initializer_and_a_property()
    {
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + """
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear d;
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + """
            [SplitModel(10)]
            public partial class M
            {
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly Linear d;
            }
            """);
        Assert.DoesNotContain(await AnalyzerDiagnostics(solution), d => d.Id is "HS0001" or "HS0004");

        solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] MyHead P { get; } = new();
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] MyHead P { get; } = new();
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
    }

    [Fact]
    public async Task HS0001_in_the_constructor_adds_LayerCost_to_the_member_declaration()
    {
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                [Layer] readonly Linear b;
                public M(long outputs) { b = nn.Linear(4, outputs); }
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + Head + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly Linear b;
                public M(long outputs) { b = nn.Linear(4, outputs); }
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_at_a_constructor_condition_fixes_the_layer_it_names_in_another_file()
    {
        // The diagnostic is at the condition (not inside an assignment): the analyzer's Layer property names the member,
        // whose declaration is in the other part of the partial class.
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001",
            ModelSources.Usings + """
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                public M(bool wide)
                {
                    if (wide) b = nn.Linear(4, 8);
                    else b = nn.Linear(4, 2);
                }
            }
            """,
            ModelSources.Usings + """
            public partial class M
            {
                [Layer] readonly Linear? b;
            }
            """);
        AssertText(solution, 1, ModelSources.Usings + """
            public partial class M
            {
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly Linear? b;
            }
            """);
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_inside_a_LayerBlock_class_adds_LayerCost_to_the_models_layer()
    {
        const string Block = """
            [LayerBlock]
            public sealed class Blk : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear fc = nn.Linear(10, 10);
                [Layer] readonly Identity id = nn.Identity();
                public Blk() : base("b") { }
                public override Tensor forward(Tensor x) => x;
            }
            """;
        // HS0001 is reported at nn.Identity() in Blk (a factory the generator does not know); the model's layer is costed.
        AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ModelSources.Usings + Block.Replace("= nn.Identity()", "= {|HS0001:nn.Identity()|}")
            + "\n[SplitModel(10)] public partial class M { [Layer] readonly Blk block = new(); }");
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + Block + """

            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Blk block = new();
            }
            """);
        AssertText(solution, 0, ModelSources.Usings + Block + """

            [SplitModel(10)]
            public partial class M
            {
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly Blk block = new();
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    [Fact]
    public async Task HS0001_inside_a_LayerBlock_class_in_another_file_adds_LayerCost_in_the_models_file()
    {
        const string Block = """
            [LayerBlock]
            public sealed class Blk : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear fc = nn.Linear(10, 10);
                [Layer] readonly Identity id = nn.Identity();
                public Blk() : base("b") { }
                public override Tensor forward(Tensor x) => x;
            }
            """;
        const string Model = """
            [SplitModel(10)]
            public partial class M
            {
                [Layer] readonly Blk block = new();
            }
            """;
        // The diagnostic is in the block's file (Input0.cs); the attribute goes on the model's layer in Input1.cs.
        var solution = await ApplyFirstFix(new AddLayerCostCodeFix(), "HS0001", ModelSources.Usings + Block, ModelSources.Usings + Model);
        AssertText(solution, 0, ModelSources.Usings + Block);
        AssertText(solution, 1, ModelSources.Usings + """
            [SplitModel(10)]
            public partial class M
            {
                // TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.
                [Layer, LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })] readonly Blk block = new();
            }
            """);
        Assert.Empty(await AnalyzerDiagnostics(solution));
        Assert.Empty(await Errors(solution));
    }

    private const string TwoConstructors = """

        [SplitModel(10)]
        public partial class Net
        {
            [Layer] readonly Linear a = nn.Linear(10, 10);
            [Layer] readonly Linear fc;
            public Net() { fc = nn.Linear(10, 4); }
            public Net(bool wide) { fc = nn.Linear(10, 8); }
            public Net(int unused) : this() { }
        }
        """;

    [Theory]
    [InlineData(0, "Net()", "ForwardFlops = 84, Parameters = 44, OutputShape = new[] { 4 }")]
    [InlineData(1, "Net(bool)", "ForwardFlops = 168, Parameters = 88, OutputShape = new[] { 8 }")]
    public async Task HS0010_states_the_costs_of_the_constructor_chosen(int action, string constructor, string costs)
    {
        var solution = CreateSolution(ModelSources.Usings + TwoConstructors);
        var diagnostic = Assert.Single(await AnalyzerDiagnostics(solution), d => d.Id == "HS0010");
        var document = solution.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = await Actions(new CostAsConstructorAssignsCodeFix(), document, [diagnostic]);
        // Net(int) chains to Net() and assigns the same module: two distinct choices, not three.
        Assert.Equal(["Cost 'fc' as constructor Net() assigns it (Linear, 44 parameters)", "Cost 'fc' as constructor Net(bool) assigns it (Linear, 88 parameters)"],
            actions.Select(a => a.Title));
        var operations = await actions[action].GetOperationsAsync(CancellationToken.None);
        var fixedSolution = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
        AssertText(fixedSolution, 0, ModelSources.Usings + TwoConstructors.Replace("    [Layer] readonly Linear fc;",
            $"    // HS0010: the costs of the Linear constructor {constructor} assigns; the other constructors assign different modules.\n" +
            $"    [Layer, LayerCost({costs})] readonly Linear fc;"));
        Assert.Empty(await AnalyzerDiagnostics(fixedSolution));
        Assert.Empty(await Errors(fixedSolution));
    }

    [Fact]
    public async Task HS0010_offers_only_constructors_that_assign_the_layer()
    {
        var solution = CreateSolution(ModelSources.Usings + """
            [SplitModel(10)]
            public partial class Net
            {
                [Layer] readonly Linear? fc;
                public Net() { fc = nn.Linear(10, 4); }
                public Net(bool wide) { }
            }
            """);
        var diagnostic = Assert.Single(await AnalyzerDiagnostics(solution), d => d.Id == "HS0010");
        var actions = await Actions(new CostAsConstructorAssignsCodeFix(), solution.GetDocument(diagnostic.Location.SourceTree)!, [diagnostic]);
        Assert.Equal(["Cost 'fc' as constructor Net() assigns it (Linear, 44 parameters)"], actions.Select(a => a.Title));
    }

    [Fact]
    public void Providers_fix_only_their_own_ids_and_batch_fix_all()
    {
        Assert.Equal(["HS0003"], new MakeModelPartialCodeFix().FixableDiagnosticIds.ToArray());
        Assert.Equal(["HS0001"], new AddLayerCostCodeFix().FixableDiagnosticIds.ToArray());
        Assert.Same(WellKnownFixAllProviders.BatchFixer, new MakeModelPartialCodeFix().GetFixAllProvider());
        Assert.Same(WellKnownFixAllProviders.BatchFixer, new AddLayerCostCodeFix().GetFixAllProvider());
        Assert.Equal(["HS0010"], new CostAsConstructorAssignsCodeFix().FixableDiagnosticIds.ToArray());
        Assert.Null(new CostAsConstructorAssignsCodeFix().GetFixAllProvider()); // each action names one model's constructor
    }

    [Fact]
    public async Task Fixes_are_not_offered_for_other_diagnostics()
    {
        // HS0002, HS0003 and HS0004 in one file: neither fix acts on a diagnostic it does not own.
        var document = CreateSolution(ModelSources.Usings + """
            [SplitModel(784)] public class M { [Layer] readonly Linear fc = nn.Linear(100, 10); }
            [SplitModel(10, 0)] public partial class N { [Layer] readonly Linear l = nn.Linear(10, 2); }
            """).Projects.Single().Documents.Single();
        var diagnostics = await AnalyzerDiagnostics(document.Project.Solution);
        Assert.Equal(["HS0002", "HS0003", "HS0004"], diagnostics.Select(d => d.Id).Order());

        Assert.Empty(await Actions(new AddLayerCostCodeFix(), document, diagnostics));
        Assert.Empty(await Actions(new CostAsConstructorAssignsCodeFix(), document, diagnostics));
        Assert.Empty(await Actions(new MakeModelPartialCodeFix(), document, diagnostics.Where(d => d.Id != "HS0003")));
        Assert.Single(await Actions(new MakeModelPartialCodeFix(), document, diagnostics));
    }

    private static Solution CreateSolution(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Input", "Input", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        for (var i = 0; i < sources.Length; i++)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, $"Input{i}.cs"), $"Input{i}.cs", SourceText.From(sources[i]), filePath: $"Input{i}.cs");
        return solution;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzerDiagnostics(Solution solution)
    {
        var compilation = await solution.Projects.Single().GetCompilationAsync();
        return await compilation!.WithAnalyzers([new ModelAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    private static async Task<IReadOnlyList<Diagnostic>> Errors(Solution solution)
    {
        var compilation = await solution.Projects.Single().GetCompilationAsync();
        return compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    private static async Task<IReadOnlyList<CodeAction>> Actions(CodeFixProvider provider, Document document, IEnumerable<Diagnostic> diagnostics)
    {
        var actions = new List<CodeAction>();
        foreach (var diagnostic in diagnostics.Where(d => d.Location.SourceTree == document.GetSyntaxTreeAsync().Result))
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
        return actions;
    }

    /// <summary>Runs the analyzer, takes the single <paramref name="id"/> diagnostic, and applies the provider's first action.</summary>
    private static async Task<Solution> ApplyFirstFix(CodeFixProvider provider, string id, params string[] sources)
    {
        var solution = CreateSolution(sources);
        var diagnostic = Assert.Single(await AnalyzerDiagnostics(solution), d => d.Id == id);
        var document = solution.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = await Actions(provider, document, [diagnostic]);
        var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
        return Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
    }

    private static void AssertText(Solution solution, int index, string expected)
    {
        var document = solution.Projects.Single().Documents.Single(d => d.Name == $"Input{index}.cs");
        Assert.Equal(expected, document.GetTextAsync().Result.ToString());
    }
}
