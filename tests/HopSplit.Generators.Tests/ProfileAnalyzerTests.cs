using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static HopSplit.Generators.Tests.ProfileSources;

namespace HopSplit.Generators.Tests;

/// <summary>HS0005-HS0007 and how profiles change HS0001.</summary>
public class ProfileAnalyzerTests
{
    private const string Path = "/project/profiles/model.hsprofile.json";

    private static IReadOnlyList<Diagnostic> Run(string source, string profile) =>
        AnalyzerMarkup.Run(new ModelAnalyzer(), [File(profile, Path)], source);

    [Fact]
    public void Valid_profile_reports_nothing() =>
        Assert.Empty(Run(ModelSources.DigitNet, Json("DigitNet", new Row("conv1", 1, 2, 25088, 320), new Row("fc1", 1, 2, 10, 62730))));

    [Fact]
    public void HS0005_not_json_is_reported_at_the_line_in_the_profile()
    {
        var text = "{\n  \"format\": \"hopsplit-profile/1\",\n  \"model\": \"DigitNet\"\n  \"batchSize\": 32\n}";
        var d = Assert.Single(Run(ModelSources.DigitNet, text));
        Assert.Equal("HS0005", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(Path, d.Location.GetLineSpan().Path);
        Assert.Equal(3, d.Location.GetLineSpan().StartLinePosition.Line); // 0-based: line 4, where ',' is missing
        Assert.Equal("Profile 'model.hsprofile.json' cannot be used: not valid JSON: ',' or '}' is expected in an object", d.GetMessage());
    }

    [Fact]
    public void HS0005_wrong_format_names_the_field()
    {
        var text = Json("DigitNet", new Row("conv1", 1, 2, 25088, 320)).Replace("\"outputElements\": 25088", "\"outputElements\": \"many\"");
        var d = Assert.Single(Run(ModelSources.DigitNet, text));
        Assert.Equal("HS0005", d.Id);
        Assert.Equal("Profile 'model.hsprofile.json' cannot be used: \"layers[0].outputElements\" must be a number", d.GetMessage());
        Assert.Equal("\"many\"", text.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void HS0006_unknown_model_suggests_the_closest()
    {
        var text = Json("DigitNt", new Row("conv1", 1, 2, 25088, 320));
        var d = Assert.Single(Run(ModelSources.DigitNet, text));
        Assert.Equal("HS0006", d.Id);
        Assert.Equal("Profile 'model.hsprofile.json' is for model 'DigitNt', which is not a [SplitModel] class of this project; did you mean 'DigitNet'?", d.GetMessage());
        Assert.Equal("\"DigitNt\"", text.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void HS0006_unknown_layer_suggests_the_closest()
    {
        var text = Json("Demo.DigitNet", new Row("conv1", 1, 2, 25088, 320), new Row("fc2", 1, 2, 10, 62730), new Row("attention", 1, 2, 10, 0));
        var ds = Run(ModelSources.DigitNet, text).OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(["HS0006", "HS0006"], ds.Select(d => d.Id));
        Assert.Equal("Profile 'model.hsprofile.json' has a row for layer 'fc2', but model 'DigitNet' has no such [Layer]; did you mean 'fc1'?", ds[0].GetMessage());
        Assert.Equal("Profile 'model.hsprofile.json' has a row for layer 'attention', but model 'DigitNet' has no such [Layer]", ds[1].GetMessage());
        Assert.Equal(7, ds[0].Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void HS0007_stale_row_is_reported_at_the_layer() => AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ModelSources.Usings + """
        [SplitModel(10)] public partial class M
        {
            [Layer] readonly Linear a = {|HS0007:nn.Linear(10, 20)|};
            [Layer] readonly Linear b = nn.Linear(20, 2);
        }
        """, [File(Json("M", new Row("a", 1, 2, 20, 110), new Row("b", 1, 2, 2, 42)), Path)]);

    [Fact]
    public void HS0007_message_names_both_counts()
    {
        var d = Assert.Single(Run(ModelSources.DigitNet, Json("DigitNet", new Row("conv1", 1, 2, 25088, 300))));
        Assert.Equal("Profile 'model.hsprofile.json' records 300 parameters for layer 'conv1', but the model now has 320: the profile is stale (the model changed since it was measured), so the layer keeps its analysed costs; profile the model again", d.GetMessage());
    }

    [Fact]
    public void HS0007_stale_row_for_a_LayerCost_layer_is_reported_at_its_Parameters() => AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ModelSources.Mlp
        .Replace("Parameters = 10,", "{|HS0007:Parameters = 10|},"),
        [File(Json("Demo.Models.Mlp", new Row("head", 5e5, 9e5, 10, 99)), Path)]);

    [Fact]
    public void HS0007_for_a_LayerCost_layer_says_it_keeps_the_attributes_costs()
    {
        var d = Assert.Single(Run(ModelSources.Mlp, Json("Mlp", new Row("head", 5e5, 9e5, 10, 99))));
        Assert.Equal("Profile 'model.hsprofile.json' records 99 parameters for layer 'head', but the model now has 10: the profile is stale (the model changed since it was measured), so the layer keeps its [LayerCost] costs; profile the model again", d.GetMessage());
    }

    [Fact]
    public void LayerCost_without_Parameters_is_not_checked() =>
        Assert.Empty(Run(ModelSources.Mlp.Replace("Parameters = 10,", ""), Json("Demo.Models.Mlp", new Row("head", 5e5, 9e5, 10, 99))));

    [Fact]
    public void HS0001_not_reported_for_a_layer_the_profile_covers() => AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ProfileSources.Tiny,
        [File(Json("Tiny", new Row("att", 1, 2, 32, 0), new Row("fc2", 1, 2, 10, 330)), Path)]);

    [Fact]
    public void HS0001_for_a_layer_after_a_profile_only_layer() => AnalyzerMarkup.Verify(new ModelAnalyzer(), "", ProfileSources.Tiny
        .Replace("fc2 = nn.Linear(32, 10)", "fc2 = {|HS0001:nn.Linear(32, 10)|}"),
        [File(Json("Tiny", new Row("att", 1, 2, 32, 0)), Path)]);

    [Fact]
    public void HS0001_still_reported_when_the_profile_is_for_another_model() => AnalyzerMarkup.Verify(new ModelAnalyzer(), ModelSources.DigitNet, ProfileSources.Tiny
        .Replace("att = new()", "att = {|HS0001:new()|}"),
        [File(Json("DigitNet", new Row("conv1", 1, 2, 25088, 320)), "/p/other.hsprofile.json"), File(Json("Tiny", new Row("att", 1, 2, 32, 0)), "/p/not-a-profile.json")]);

    [Fact]
    public void Profile_diagnostics_can_be_suppressed_like_any_other()
    {
        var source = ModelSources.DigitNet.Replace("[Layer] readonly Conv2d conv1", "#pragma warning disable HS0007\n    [Layer] readonly Conv2d conv1");
        Assert.Empty(Run(source, Json("DigitNet", new Row("conv1", 1, 2, 25088, 300))));
    }
}
