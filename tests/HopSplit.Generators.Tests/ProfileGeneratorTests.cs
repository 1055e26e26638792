using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static HopSplit.Generators.Tests.ProfileSources;

namespace HopSplit.Generators.Tests;

/// <summary>Profile files (*.hsprofile.json AdditionalFiles) supplying and overriding layer costs.</summary>
public class ProfileGeneratorTests
{
    private static GeneratorRun Run(string source, params string[] profiles) => GeneratorHarness.Run([source],
        generator: new ModelGenerator(), additionalTexts: profiles.Select((p, i) => File(p, $"/project/p{i}.hsprofile.json")));

    private static ModelSpec Costed(GeneratorRun run) =>
        (ModelSpec)run.Single.TrackedSteps[TrackingNames.CostedModelSpecs].SelectMany(s => s.Outputs).Single().Value;

    private static LayerSpec Layer(ModelSpec spec, string name) => spec.Layers.Single(l => l.Name == name);

    [Fact]
    public void Profile_overrides_analysed_flops_and_output_elements()
    {
        var run = Run(ModelSources.DigitNet, Json("DigitNet", new Row("conv1", 252000, 525000, 25088, 320), new Row("fc1", 1e5, 2e5, 10, 62730)));
        Snapshot.Match(run);
        var spec = Costed(run);
        var conv = Layer(spec, "conv1");
        Assert.Equal(("Profile", 252000d, 525000d, 25088d, 320d), (conv.Source, conv.ForwardFlops, conv.BackwardFlops, conv.OutputElements, conv.Parameters));
        Assert.Equal([32L, 28, 28], conv.OutputShape); // analysed shapes stay
        Assert.Equal("Analysis", Layer(spec, "relu1").Source);
        Assert.Equal(("Profile", 1e5), (Layer(spec, "fc1").Source, Layer(spec, "fc1").ForwardFlops));
    }

    [Fact]
    public void Profile_costs_a_layer_the_generator_cannot_analyse()
    {
        Assert.Empty(Run(Tiny).Sources); // unprofiled without the profile

        var run = Run(Tiny, Json("Tiny", new Row("att", 4096, 8192, 32, 0), new Row("fc2", 660, 1320, 10, 330)));
        Snapshot.Match(run);
        var spec = Costed(run);
        Assert.Equal(["Analysis", "Profile", "Profile"], spec.Layers.Select(l => l.Source));
        var att = Layer(spec, "att");
        Assert.Equal(("Attention", 4096d, 8192d, 32d, 0d), (att.Kind, att.ForwardFlops, att.BackwardFlops, att.OutputElements, att.Parameters));
        Assert.Equal([32L], att.InputShape);
        Assert.Empty(att.OutputShape); // a profile records no shapes
        Assert.Empty(Layer(spec, "fc2").InputShape);
        Assert.True(spec.Callable);
    }

    [Fact]
    public void Layer_after_a_profile_only_layer_needs_the_profile_too()
    {
        // fc2's input shape is unknown after att, so without a row it has no costs.
        Assert.Empty(Run(Tiny, Json("Tiny", new Row("att", 4096, 8192, 32, 0))).Sources);
    }

    [Fact]
    public void Profile_overrides_LayerCost_but_keeps_its_parameters()
    {
        var run = Run(ModelSources.Mlp, Json("Demo.Models.Mlp", new Row("head", 5e5, 9e5, 10, 10)));
        var head = Layer(Costed(run), "head");
        Assert.Equal(("Profile", 5e5, 9e5, 10d), (head.Source, head.ForwardFlops, head.BackwardFlops, head.Parameters));
    }

    [Fact]
    public void Row_disagreeing_with_LayerCost_Parameters_is_stale_and_ignored()
    {
        // head says Parameters = 10; a row measured on a head with 99 parameters is for another module.
        var head = Layer(Costed(Run(ModelSources.Mlp, Json("Demo.Models.Mlp", new Row("head", 5e5, 9e5, 10, 99)))), "head");
        Assert.Equal(("Attribute", 4.2e5, 10d), (head.Source, head.ForwardFlops, head.Parameters));
    }

    [Fact]
    public void LayerCost_without_Parameters_takes_the_rows_count()
    {
        var source = ModelSources.Mlp.Replace("ForwardFlops = 4.2e5, Parameters = 10,", "ForwardFlops = 4.2e5,");
        var head = Layer(Costed(Run(source, Json("Demo.Models.Mlp", new Row("head", 5e5, 9e5, 10, 99)))), "head");
        Assert.Equal(("Profile", 5e5, 99d), (head.Source, head.ForwardFlops, head.Parameters));
    }

    [Fact]
    public void Stale_row_is_ignored()
    {
        var run = Run(ModelSources.DigitNet, Json("DigitNet", new Row("conv1", 1, 2, 25088, 999), new Row("fc1", 1e5, 2e5, 10, 62730)));
        var spec = Costed(run);
        Assert.Equal(("Analysis", 476672d), (Layer(spec, "conv1").Source, Layer(spec, "conv1").ForwardFlops));
        Assert.Equal("Profile", Layer(spec, "fc1").Source);
    }

    [Theory]
    [InlineData("DigitNet", true)]
    [InlineData("Demo.DigitNet", true)]
    [InlineData("digitnet", false)]
    [InlineData("Other.DigitNet", false)]
    public void Model_matches_by_simple_or_metadata_name(string model, bool applies)
    {
        var spec = Costed(Run(ModelSources.DigitNet, Json(model, new Row("conv1", 1, 2, 25088, 320))));
        Assert.Equal(applies ? "Profile" : "Analysis", Layer(spec, "conv1").Source);
    }

    [Fact]
    public void Nested_model_matches_by_metadata_name_with_plus()
    {
        var source = ModelSources.Usings + "namespace Demo; public partial class Outer { [SplitModel(10)] public partial class Inner { [Layer] readonly Linear l = nn.Linear(10, 2); } }";
        var spec = Costed(Run(source, Json("Demo.Outer+Inner", new Row("l", 7, 14, 2, 22))));
        Assert.Equal("Profile", spec.Layers.Single().Source);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{ \"format\": \"hopsplit-profile/2\", \"model\": \"DigitNet\" }")]
    [InlineData("")]
    [InlineData("{\"format\":\"hopsplit-profile/1\",\"model\":\"DigitNet\",\"machine\":{\"description\":\"x\",\"flopsPerSecond\":1},\"batchSize\":1,\"layers\":[{\"name\":\"conv1\"}]}")]
    public void Invalid_profile_is_ignored(string text)
    {
        var spec = Costed(Run(ModelSources.DigitNet, text));
        Assert.All(spec.Layers, l => Assert.Equal("Analysis", l.Source));
    }

    [Fact]
    public void First_profile_by_path_wins()
    {
        var spec = Costed(Run(ModelSources.DigitNet,
            Json("DigitNet", new Row("conv1", 1, 2, 25088, 320)), Json("DigitNet", new Row("conv1", 3, 6, 25088, 320))));
        Assert.Equal(1, Layer(spec, "conv1").ForwardFlops); // p0 before p1
    }

    [Fact]
    public void Editing_the_profile_reruns_only_what_depends_on_it()
    {
        var other = ModelSources.Usings + "namespace Demo; [SplitModel(10)] public partial class Other { [Layer] readonly Linear l = nn.Linear(10, 2); }";
        var compilation = GeneratorHarness.Compile(ModelSources.DigitNet, other);
        var profile = File(Json("DigitNet", new Row("conv1", 1, 2, 25088, 320)));
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator(), [profile]).RunGenerators(compilation);

        var edited = File(Json("DigitNet", new Row("conv1", 5, 10, 25088, 320)));
        var result = driver.ReplaceAdditionalText(profile, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        IncrementalStepRunReason[] Reasons(string step) => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        // The C# side is untouched: nothing is read or analysed again.
        Assert.All(Reasons(TrackingNames.ModelExtraction), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(TrackingNames.ModelSpecs), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(TrackingNames.ProfileFiles));
        // The merge runs for both models; only DigitNet's result changes, so only its file is written again.
        Assert.Equal(
            [IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged],
            Reasons(TrackingNames.CostedModels).OrderBy(r => r));
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).OrderBy(r => r).ToArray();
        Assert.Equal([IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached], outputs);
        Assert.Contains("new(\"conv1\", 5, 10, 25088, 320),", result.GeneratedSources.Single(s => s.HintName.Contains("DigitNet")).SourceText.ToString());
        GeneratorHarness.AssertNoRoslynObjects(driver.GetRunResult());
    }

    [Fact]
    public void Unrelated_edit_with_a_profile_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(Tiny);
        var driver = GeneratorHarness.CreateDriver(new ModelGenerator(), [File(Json("Tiny", new Row("att", 1, 2, 32, 0), new Row("fc2", 1, 2, 10, 330)))])
            .RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; class Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertAllCached(result);
        Assert.Single(result.Results.Single().GeneratedSources);
    }

    /// <summary>
    /// The contract with the runtime's profiler: Profiles/DigitNet.hsprofile.json was written by `digits profile`
    /// (HopSplit.Profiling.LayerProfiler) for the Digits sample's model, whose source is read from the sample.
    /// </summary>
    [Fact]
    public void A_profile_written_by_the_runtime_profiler_costs_every_layer_of_the_sample()
    {
        var projectDirectory = Path.GetDirectoryName(Snapshot.SnapshotDirectory)!;
        var model = System.IO.File.ReadAllText(Path.Combine(projectDirectory, "..", "..", "samples", "Digits", "DigitNet.cs"));
        var profile = System.IO.File.ReadAllText(Path.Combine(projectDirectory, "Profiles", "DigitNet.hsprofile.json"));

        var run = Run("using HopSplit;\n" + model, profile);

        var spec = Costed(run);
        Assert.Equal(10, spec.Layers.Count);
        Assert.All(spec.Layers, l => Assert.Equal("Profile", l.Source));
        Assert.Equal(52138d, spec.Layers.Sum(l => l.Parameters));
        AnalyzerMarkup.Verify(new ModelAnalyzer(), "", "using HopSplit;\n" + model, [File(profile, "/project/DigitNet.hsprofile.json")]);
    }
}
