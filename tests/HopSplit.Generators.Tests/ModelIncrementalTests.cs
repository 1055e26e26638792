using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Tests;

/// <summary>
/// Which model steps run again after an edit. The first step (ModelExtraction, the ForAttributeWithMetadataName
/// transform) runs on every compilation change but binds nothing; the analysis (ModelAnalysis, which binds every
/// layer initializer) runs only when a declaration the model names changes.
/// </summary>
public class ModelIncrementalTests
{
    private const string Other = """
        namespace Elsewhere;
        public sealed class Service
        {
            public int Compute(int x) { return x + 1; }
        }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) First(params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        return (GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(compilation), compilation);
    }

    private static GeneratorRunResult Edit(GeneratorDriver driver, CSharpCompilation compilation, int file, Func<string, string> edit)
    {
        var old = compilation.SyntaxTrees.ElementAt(file);
        var text = old.GetText().ToString();
        var edited = edit(text);
        Assert.NotEqual(text, edited);
        var next = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, path: old.FilePath));
        return driver.RunGenerators(next).GetRunResult().Results.Single();
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertAnalysisSkipped(GeneratorRunResult result)
    {
        // The transform ran (the compilation changed) but read an equal input...
        Assert.All(Reasons(result, TrackingNames.ModelExtraction), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
        // ...so nothing after it ran.
        foreach (var step in new[] { TrackingNames.ModelInputs, TrackingNames.ModelAnalysis, TrackingNames.ModelSpecs, TrackingNames.CostedModels })
            Assert.All(Reasons(result, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static void AssertAnalysisRan(GeneratorRunResult result) =>
        Assert.All(Reasons(result, TrackingNames.ModelAnalysis), r => Assert.NotEqual(IncrementalStepRunReason.Cached, r));

    [Fact]
    public void Method_body_edit_in_another_file_skips_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet, Other);
        var result = Edit(driver, compilation, 1, t => t.Replace("return x + 1;", "var y = x * 2; return y + 1;"));
        AssertAnalysisSkipped(result);
        GeneratorHarness.AssertNoRoslynObjects(driver.GetRunResult());
    }

    [Fact]
    public void Method_body_edit_in_the_models_own_forward_skips_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet);
        AssertAnalysisSkipped(Edit(driver, compilation, 0, t => t.Replace("=> fc1.forward(flat.forward(", "=> fc1.forward(this.flat.forward(")));
    }

    [Fact]
    public void New_unrelated_class_skips_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet, Other);
        AssertAnalysisSkipped(Edit(driver, compilation, 1, t => t + "\npublic class Another { public int Value => 1; }"));
    }

    [Fact]
    public void Const_in_another_file_reruns_the_analysis()
    {
        var sizes = "namespace Demo; public static class Sizes { public const int Hidden = 32; }";
        var model = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class M { [Layer] readonly Linear a = nn.Linear(10, Sizes.Hidden); }";
        var (driver, compilation) = First(model, sizes);
        var result = Edit(driver, compilation, 1, t => t.Replace("Hidden = 32", "Hidden = 16"));
        AssertAnalysisRan(result);
        Assert.Contains("new(\"a\", 336, 672, 16, 176),", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Const_named_through_another_const_reruns_the_analysis()
    {
        var sizes = "namespace Demo; public static class Sizes { public const int Hidden = K.Base * 2; } public static class K { public const int Base = 16; }";
        var model = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class M { [Layer] readonly Linear a = nn.Linear(10, Sizes.Hidden); }";
        var (driver, compilation) = First(model, sizes);
        var result = Edit(driver, compilation, 1, t => t.Replace("Base = 16", "Base = 8"));
        AssertAnalysisRan(result);
        Assert.Contains("new(\"a\", 336, 672, 16, 176),", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Layer_module_class_changing_its_base_reruns_the_analysis()
    {
        var head = ModelSources.Usings + "namespace Demo; public class Head : nn.Module<Tensor, Tensor> { public Head() : base(\"h\") { } public override Tensor forward(Tensor x) => x; }";
        var model = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class M { [Layer, LayerCost(ForwardFlops = 1, OutputShape = new[] { 10 })] readonly Head h = new(); }";
        var (driver, compilation) = First(model, head);
        Assert.Contains("ISplitModel", driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString());
        var result = Edit(driver, compilation, 1, t => t.Replace(": nn.Module<Tensor, Tensor>", ": nn.Module").Replace("public override Tensor forward(Tensor x) => x;", ""));
        AssertAnalysisRan(result);
        Assert.DoesNotContain("ISplitModel", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Type_that_shadows_nn_reruns_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet, Other);
        var result = Edit(driver, compilation, 1, t => t + "\nnamespace Demo { public static class nn { } }");
        AssertAnalysisRan(result);
    }

    [Fact]
    public void Namespace_that_shadows_nn_reruns_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet, Other);
        AssertAnalysisRan(Edit(driver, compilation, 1, t => t.Replace("namespace Elsewhere;", "namespace Demo.nn;")));
    }

    [Fact]
    public void Global_using_in_another_file_reruns_the_analysis()
    {
        var (driver, compilation) = First(ModelSources.DigitNet, Other);
        AssertAnalysisRan(Edit(driver, compilation, 1, t => "global using System.Text;\n" + t));
    }

    [Fact]
    public void Too_many_dependencies_make_the_model_analysed_every_time()
    {
        var count = ModelInputReader.MaxDependencies + 1;
        var constants = string.Join("\n", Enumerable.Range(0, count).Select(i => $"public static class C{i} {{ public const int V = 0; }}"));
        var sum = string.Join(" + ", Enumerable.Range(0, count).Select(i => $"C{i}.V"));
        var model = ModelSources.Usings + $"namespace Demo; [SplitModel(10)] public partial class M {{ [Layer] readonly Linear a = nn.Linear(10, 4 + {sum}); }}";
        var (driver, compilation) = First(model, "namespace Demo;\n" + constants, Other);
        var result = Edit(driver, compilation, 2, t => t.Replace("return x + 1;", "return x + 2;"));
        Assert.All(Reasons(result, TrackingNames.ModelExtraction), r => Assert.Equal(IncrementalStepRunReason.Modified, r));
        AssertAnalysisRan(result);
        Assert.Contains("new(\"a\", 84, 168, 4, 44),", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Equivalent_compilations_give_equal_inputs_and_specs()
    {
        static (ModelInput Input, ModelSpec Spec) Read()
        {
            var result = GeneratorHarness.CreateDriver(new ModelGenerator()).RunGenerators(GeneratorHarness.Compile(ModelSources.Mlp, ModelSources.Usings + ModelSources.BasicBlock))
                .GetRunResult().Results.Single();
            return ((ModelInput)result.TrackedSteps[TrackingNames.ModelInputs].Single().Outputs.Single().Value,
                (ModelSpec)result.TrackedSteps[TrackingNames.ModelSpecs].Single().Outputs.Single().Value);
        }
        var (a, b) = (Read(), Read());
        Assert.Equal(a.Input, b.Input);
        Assert.Equal(a.Input.GetHashCode(), b.Input.GetHashCode());
        Assert.Equal(a.Spec, b.Spec);
    }
}
