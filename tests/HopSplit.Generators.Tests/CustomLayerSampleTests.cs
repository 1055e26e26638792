using System.Collections.Immutable;
using System.Reflection;
using HopSplit.CodeFixes;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace HopSplit.Generators.Tests;

/// <summary>
/// samples/CustomLayer's own source files, read from disk: as committed they are clean and costed by the
/// [LayerCost]; without it they report HS0001 at the custom layer, and the code fix adds the skeleton.
/// </summary>
public class CustomLayerSampleTests
{
    private const string CommittedCost = "LayerCost(ForwardFlops = 17584, Parameters = 552, OutputShape = new[] { 32, 16, 16 })";
    private const string Skeleton = "LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })";
    private const string Todo = "// TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.";

    // The SDK's implicit usings the sample compiles with (ImplicitUsings is on in Directory.Build.props).
    private const string ImplicitUsings = "global using System; global using System.Linq;";

    private static string SampleFolder { get; } = Path.GetFullPath(Path.Combine(
        typeof(CustomLayerSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "..", "..", "samples", "CustomLayer"));

    private static string SeNet => File.ReadAllText(Path.Combine(SampleFolder, "SeNet.cs"));

    private static string SqueezeExcite => File.ReadAllText(Path.Combine(SampleFolder, "SqueezeExcite.cs"));

    [Fact]
    public void The_committed_model_reports_nothing_and_its_costs_are_the_attributes()
    {
        Assert.Contains(CommittedCost, SeNet);
        // Run checks that the generator's output compiles without warnings or errors.
        var run = GeneratorHarness.Run([SeNet, SqueezeExcite, ImplicitUsings], generator: new ModelGenerator());
        Assert.Empty(Analyze([Parse(SeNet, "SeNet.cs"), Parse(SqueezeExcite, "SqueezeExcite.cs"), Parse(ImplicitUsings, "Usings.cs")]));
        var costs = Assert.Single(run.Sources, s => s.HintName.EndsWith("SeNet.Costs.g.cs", StringComparison.Ordinal)).Text;
        // Parameters, forward, backward (twice forward by default) and output elements (32 x 16 x 16), from the attribute.
        Assert.Contains("""new("se", "SqueezeExcite", new int[] { 32, 16, 16 }, new int[] { 32, 16, 16 }, 552, 17584, 35168, 8192, global::HopSplit.CostSource.Attribute),""", costs);
    }

    [Fact]
    public void Without_the_LayerCost_the_custom_layer_is_HS0001_and_the_model_gets_no_costs()
    {
        var source = WithoutLayerCost(SeNet);
        var diagnostic = Assert.Single(Analyze([Parse(source, "SeNet.cs"), Parse(SqueezeExcite, "SqueezeExcite.cs"), Parse(ImplicitUsings, "Usings.cs")]));
        Assert.Equal("HS0001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("new(32, 4)", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("readonly SqueezeExcite se = new(32, 4);", source.Split('\n')[diagnostic.Location.GetLineSpan().StartLinePosition.Line]);
        Assert.StartsWith("Layer 'se' of model 'SeNet' cannot be analysed", diagnostic.GetMessage());

        var run = GeneratorHarness.Run([source, SqueezeExcite, ImplicitUsings], expectValidOutput: false, generator: new ModelGenerator());
        Assert.DoesNotContain(run.Sources, s => s.HintName.Contains("SeNet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_code_fix_adds_a_LayerCost_skeleton_to_the_custom_layer()
    {
        var source = WithoutLayerCost(SeNet);
        var fixedText = await ApplyLayerCostFix(source);

        var lines = fixedText.Split('\n');
        var member = Array.FindIndex(lines, l => l.Contains("readonly SqueezeExcite se = new(32, 4);", StringComparison.Ordinal));
        Assert.Equal("[Layer, " + Skeleton + "]", lines[member - 1].Trim());
        Assert.Equal(Todo, lines[member - 2].Trim());
        // Only that layer changed: filling in the real numbers and dropping the TODO gives back the committed file.
        var filled = fixedText.Replace(lines[member - 2] + "\n", "", StringComparison.Ordinal).Replace(Skeleton, CommittedCost, StringComparison.Ordinal);
        Assert.Equal(SeNet, filled);

        // The skeleton silences HS0001, but its placeholder output of one element does not chain into conv2's 32 input
        // channels: HS0002 says so until the real OutputShape is filled in (samples/CustomLayer/README.md).
        var after = Analyze([Parse(fixedText, "SeNet.cs"), Parse(SqueezeExcite, "SqueezeExcite.cs"), Parse(ImplicitUsings, "Usings.cs")]);
        Assert.DoesNotContain(after, d => d.Id == "HS0001");
        var mismatch = Assert.Single(after);
        Assert.Equal("HS0002", mismatch.Id);
        Assert.Contains("conv2", mismatch.GetMessage());
    }

    /// <summary>The sample's model source with the [LayerCost] of its custom layer removed (the [Layer] stays).</summary>
    private static string WithoutLayerCost(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
        var attribute = Assert.Single(root.DescendantNodes().OfType<AttributeSyntax>(), a => a.Name.ToString() == "LayerCost");
        var stripped = root.RemoveNode(attribute, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
        Assert.Contains("[Layer]\n    readonly SqueezeExcite se = new(32, 4);", stripped.Replace("\r\n", "\n", StringComparison.Ordinal));
        return stripped;
    }

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: path);

    private static ImmutableArray<Diagnostic> Analyze(IEnumerable<SyntaxTree> trees) =>
        GeneratorHarness.Compile().AddSyntaxTrees(trees).WithAnalyzers([new ModelAnalyzer()]).GetAnalyzerDiagnosticsAsync().Result;

    /// <summary>Applies the HS0001 code fix in a workspace holding the sample's files, as the IDE's lightbulb does.</summary>
    private static async Task<string> ApplyLayerCostFix(string seNet)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "CustomLayer", "CustomLayer",
            LanguageNames.CSharp, compilationOptions: GeneratorHarness.Compile().Options, parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        var documentId = DocumentId.CreateNewId(projectId, "SeNet.cs");
        solution = solution.AddDocument(documentId, "SeNet.cs", SourceText.From(seNet), filePath: "SeNet.cs")
            .AddDocument(DocumentId.CreateNewId(projectId), "SqueezeExcite.cs", SourceText.From(SqueezeExcite), filePath: "SqueezeExcite.cs")
            .AddDocument(DocumentId.CreateNewId(projectId), "Usings.cs", SourceText.From(ImplicitUsings), filePath: "Usings.cs");
        var compilation = await solution.GetProject(projectId)!.GetCompilationAsync();
        var diagnostic = Assert.Single(await compilation!.WithAnalyzers([new ModelAnalyzer()]).GetAnalyzerDiagnosticsAsync());
        var actions = new List<CodeAction>();
        await new AddLayerCostCodeFix().RegisterCodeFixesAsync(
            new CodeFixContext(solution.GetDocument(documentId)!, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
        var operation = Assert.IsType<ApplyChangesOperation>(Assert.Single(await Assert.Single(actions).GetOperationsAsync(CancellationToken.None)));
        return (await operation.ChangedSolution.GetDocument(documentId)!.GetTextAsync()).ToString();
    }
}
