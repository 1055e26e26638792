using System.Collections.Immutable;
using System.Text.RegularExpressions;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HopSplit.Generators.Tests;

/// <summary>Markup tests for the model rules: {|HS0001:text|} marks where a diagnostic is expected; nothing else may be reported.</summary>
public class ModelAnalyzerTests
{
    private const string Head = """
        public class MyHead : nn.Module<Tensor, Tensor> { public MyHead() : base("h") { } public override Tensor forward(Tensor x) => x; }
        """;

    [Fact]
    public void Valid_models_report_nothing()
    {
        Verify(ModelSources.DigitNet[ModelSources.Usings.Length..]);
        Verify(ModelSources.Vgg16[ModelSources.Usings.Length..]);
        Verify(ModelSources.Mlp[ModelSources.Usings.Length..]);
        Verify(ModelSources.ResNet18[ModelSources.Usings.Length..]);
    }

    [Fact]
    public void HS0001_unprofiled_layers() => Verify("""
        [SplitModel(10)]
        public partial class M
        {
            static int n = 10;
            [Layer] readonly Linear a = {|HS0001:nn.Linear(n, 4)|};
            [Layer] readonly MyHead b = {|HS0001:new()|};
            [Layer] readonly Sequential c = {|HS0001:nn.Sequential()|};
            [Layer] readonly Linear {|HS0001:d|};
            [Layer, LayerCost(ForwardFlops = 8, OutputShape = new[] { 4 })] readonly MyHead e = new();
            [Layer] readonly Linear f = nn.Linear(4, 2);
        }
        """);

    [Fact]
    public void HS0002_linear_in_features_after_flatten() => Verify("""
        [SplitModel(1, 28, 28)]
        public partial class M
        {
            [Layer] readonly Conv2d conv1 = nn.Conv2d(1, 32, 3, padding: 1);
            [Layer] readonly MaxPool2d pool1 = nn.MaxPool2d(2);
            [Layer] readonly Flatten flat = nn.Flatten();
            [Layer] readonly Linear fc1 = nn.Linear({|HS0002:32 * 28 * 28|}, 10);
        }
        """);

    [Fact]
    public void HS0002_channels_and_rank() => Verify("""
        [SplitModel(3, 8, 8)]
        public partial class M
        {
            [Layer] readonly Conv2d c = nn.Conv2d({|HS0002:in_channels: 4|}, out_channels: 8, kernel_size: 3);
        }
        [SplitModel(10)]
        public partial class Flat
        {
            [Layer] readonly Conv2d c = {|HS0002:nn.Conv2d(10, 8, 3)|};
        }
        """);

    [Fact]
    public void HS0002_message_names_expected_and_actual()
    {
        var diagnostic = AnalyzerMarkup.Run(new ModelAnalyzer(), ModelSources.Usings + Head, ModelSources.Usings + """
            [SplitModel(784)] public partial class M { [Layer] readonly Linear fc = nn.Linear(100, 10); }
            """).Single();
        Assert.Equal("HS0002", diagnostic.Id);
        Assert.Equal("Layer 'fc' does not accept its input: in_features is 100, but the input has 784 elements", diagnostic.GetMessage());
    }

    [Fact]
    public void HS0003_not_partial() => Verify("""
        [SplitModel(10)] public class {|HS0003:M|} { [Layer] readonly Linear l = nn.Linear(10, 2); }
        """);

    [Fact]
    public void HS0004_invalid_values() => Verify("""
        [{|HS0004:SplitModel(10, 0)|}] public partial class A { [Layer] readonly Linear l = nn.Linear(10, 2); }
        [SplitModel(10, {|HS0004:Name = ""|})] public partial class B { [Layer] readonly Linear l = nn.Linear({|HS0004:0|}, 2); }
        [SplitModel(10)] public partial class C
        {
            [Layer, LayerCost({|HS0004:ForwardFlops = -1|}, OutputShape = new[] { 4 })] readonly MyHead h = new();
            [Layer, {|HS0004:LayerCost|}(ForwardFlops = 1)] readonly MyHead g = new();
            [Layer, LayerCost(ForwardFlops = 1, {|HS0004:OutputShape = new[] { 4, 0 }|})] readonly MyHead k = new();
        }
        """);

    [Fact]
    public void Model_descriptors_have_docs_pages_and_release_entries() =>
        AnalyzerMarkup.AssertDocumented(new ModelAnalyzer());

    private static void Verify(string markup) => AnalyzerMarkup.Verify(new ModelAnalyzer(), ModelSources.Usings + Head, ModelSources.Usings + markup);
}
