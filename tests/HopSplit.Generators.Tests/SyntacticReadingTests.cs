using System.Reflection;
using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Tests;

/// <summary>
/// The syntactic fast path (<see cref="SyntacticFactoryReader"/>) must read exactly what binding reads: every model
/// is read both ways and the layers and issues (with their locations) compared; and the fast path must actually be
/// taken for plain factory calls, and refuse what it cannot be sure of.
/// </summary>
public class SyntacticReadingTests
{
    /// <summary>Models with the cases the fast path handles, refuses, or gets wrong arguments for.</summary>
    public static TheoryData<string, string> Models()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in typeof(ModelSources).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name is not ("Usings" or "BasicBlock")))
            data.Add(field.Name, (string)field.GetRawConstantValue()!);
        data.Add("Tiny", ProfileSources.Tiny);
        data.Add("AttributesPlain", SyntacticAttributeReadingTests.Plain);
        data.Add("AttributesUnsure", SyntacticAttributeReadingTests.Unsure);
        data.Add("Arguments", ModelSources.Usings + """
            namespace Demo;
            public static class Sizes { public const int Hidden = 64; public const bool Bias = false; public const double P = 0.5; }
            [SplitModel(3, 32, 32)]
            public sealed partial class Args : nn.Module<Tensor, Tensor>
            {
                const int Channels = 16;
                [Layer] readonly Conv2d c1 = nn.Conv2d(3, Channels, (3, 3), stride: (1, 1), padding: Padding.Same);
                [Layer] readonly Conv2d c2 = nn.Conv2d(Channels, Channels * 2, 3, padding: 0, bias: Sizes.Bias);
                [Layer] readonly Conv2d c3 = nn.Conv2d(out_channels: 8, in_channels: 32, kernel_size: 1, padding: Padding.Valid, dilation: 2 - 1);
                [Layer] readonly BatchNorm2d bn = nn.BatchNorm2d(8, eps: 1e-5, affine: !Sizes.Bias);
                [Layer] readonly LeakyReLU act = nn.LeakyReLU(0.1, inplace: 1 < 0 || false);
                [Layer] readonly MaxPool2d pool = nn.MaxPool2d(2, 2);
                [Layer] readonly AvgPool2d avg = nn.AvgPool2d((3, 3), stride: 1, padding: (1, 1), ceil_mode: true);
                [Layer] readonly Dropout drop = nn.Dropout(Sizes.P);
                [Layer] readonly Dropout drop2 = nn.Dropout(+0.25, inplace: (1 < 2) & !(2 > 3) ^ true | 7 % 4 - 3 != 0);
                [Layer] readonly Flatten flat = nn.Flatten();
                [Layer] readonly Sequential head = nn.Sequential(("fc", nn.Linear(8 * 15 * 15, Sizes.Hidden % 60 + (-2) * -1)), ("act", nn.Tanh()));
                [Layer] readonly Sequential tail = nn.Sequential(nn.Linear(6, 3, false), nn.Softmax(-1));
                public Args() : base("args") { }
                public override Tensor forward(Tensor x) => x;
            }
            """);
        data.Add("Problems", ModelSources.Usings + """
            namespace Demo;
            [SplitModel(10)]
            public sealed partial class Problems : nn.Module<Tensor, Tensor>
            {
                static readonly int NotConst = 3;
                [Layer] readonly Linear a = nn.Linear(12, 4);
                [Layer] readonly Linear b = nn.Linear(4, -2);
                [Layer] readonly Linear c = nn.Linear(4, NotConst);
                [Layer] readonly Conv1d d = nn.Conv1d(3, 4, 2, groups: 2);
                [Layer] readonly Sequential e = nn.Sequential();
                [Layer] readonly Linear f = TorchSharp.torch.nn.Linear(4, 4);
                [Layer] readonly Linear g = nn.Linear(4, 2147483647 + 1);
                [Layer] readonly Sequential h = nn.Sequential(nn.Linear(5, 4), nn.ReLU());
                public Problems() : base("p") { }
                public override Tensor forward(Tensor x) => x;
            }
            """);
        data.Add("ShadowedNn", ModelSources.Usings + """
            namespace Demo;
            public static class nn { public static TorchSharp.Modules.Linear Linear(long a, long b) => TorchSharp.torch.nn.Linear(a, b); }
            [SplitModel(10)]
            public sealed partial class Shadowed : TorchSharp.torch.nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a = nn.Linear(10, 4);
                public Shadowed() : base("s") { }
                public override Tensor forward(Tensor x) => x;
            }
            """);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Reading_without_binding_gives_what_binding_gives(string name, string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var models = compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
                .Select(c => compilation.GetSemanticModel(t).GetDeclaredSymbol(c)))
            .OfType<INamedTypeSymbol>()
            .Where(t => t.GetAttributes().Any(a => a.AttributeClass?.Name == "SplitModelAttribute"))
            .ToList();
        Assert.NotEmpty(models);
        foreach (var model in models)
        {
            var fast = Describe(ModelReader.Read(model, t => compilation.GetSemanticModel(t), default));
            var bound = Describe(ModelReader.Read(model, t => compilation.GetSemanticModel(t), default, readSyntactically: false, readAttributesSyntactically: false));
            var factoriesOnly = Describe(ModelReader.Read(model, t => compilation.GetSemanticModel(t), default, readAttributesSyntactically: false));
            var attributesOnly = Describe(ModelReader.Read(model, t => compilation.GetSemanticModel(t), default, readSyntactically: false));
            Assert.True(bound.SequenceEqual(fast), $"{name}.{model.Name}:\nbinding:\n{string.Join("\n", bound)}\nsyntax:\n{string.Join("\n", fast)}");
            Assert.True(bound.SequenceEqual(factoriesOnly), $"{name}.{model.Name}: factories read from syntax differ");
            Assert.True(bound.SequenceEqual(attributesOnly), $"{name}.{model.Name}: attributes read from syntax differ");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Member_types_read_without_binding_are_the_bound_types(string name, string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var members = compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .SelectMany(t => t.GetMembers()).Where(m => m is IFieldSymbol or IPropertySymbol && !m.IsImplicitlyDeclared).ToList();
        var reader = new SyntacticTypeReader(t => compilation.GetSemanticModel(t), default);
        foreach (var member in members)
        {
            var bound = member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
            var (type, maybeNull) = reader.Read(member);
            Assert.True(SymbolEqualityComparer.Default.Equals(bound, type), $"{name}: {member.ContainingType.Name}.{member.Name}: bound {bound}, read {type}");
            Assert.Equal(bound?.NullableAnnotation == NullableAnnotation.Annotated, maybeNull);
        }
        Assert.True(reader.Bound < members.Count || members.Count == 0, $"{name}: every member type was bound");
    }

    [Fact]
    public void Member_types_that_could_mean_something_else_are_bound()
    {
        var compilation = GeneratorHarness.Compile(ModelSources.Usings + """
            namespace Demo;
            using L = TorchSharp.Modules.Linear;
            public sealed class ReLU { }
            public sealed class Holder<T> { [Layer] readonly T t = default!; }
            public sealed partial class Types
            {
                [Layer] readonly Linear plain = nn.Linear(1, 1);
                [Layer] readonly ReLU mine = new();
                [Layer] readonly L aliased = nn.Linear(1, 1);
                [Layer] readonly Linear? nullable = null;
                [Layer] readonly TorchSharp.Modules.Linear qualified = nn.Linear(1, 1);
                [Layer] readonly int number = 1;
            }
            """);
        var type = compilation.GetTypeByMetadataName("Demo.Types")!;
        var reader = new SyntacticTypeReader(t => compilation.GetSemanticModel(t), default);
        var read = type.GetMembers().OfType<IFieldSymbol>().ToDictionary(f => f.Name, f => reader.Read(f));
        Assert.Equal("Demo.ReLU", read["mine"].Type!.ToDisplayString()); // the closer type wins, as binding decides
        Assert.True(read["nullable"].MaybeNull);
        Assert.False(read["plain"].MaybeNull);
        Assert.Equal(4, reader.Bound); // aliased, nullable, qualified, number
    }

    private static List<string> Describe(ModelReading reading) =>
        reading.Layers.Select(l => $"{l.Name} {l.Kind} {Shape(l.In)}->{Shape(l.Out)} p={l.Parameters:R} f={l.ForwardFlops:R} b={l.BackwardFlops:R} {l.Source} @{l.Location?.SourceSpan}")
            .Concat(reading.Issues.Select(i => $"{i.Descriptor.Id} @{i.Location?.SourceSpan}: {string.Join(" | ", i.Args)}"))
            .Append($"complete={reading.Complete}")
            .ToList();

    private static string Shape(long[]? shape) => shape is null ? "?" : "[" + string.Join(",", shape) + "]";

    private static FactoryCall? Read(string body, string extra = "")
    {
        var compilation = GeneratorHarness.Compile(ModelSources.Usings + extra + "public class C { static readonly object x = " + body + "; }");
        var tree = compilation.SyntaxTrees[0];
        var initializer = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Last().Initializer!.Value;
        return new SyntacticFactoryReader(compilation.GetSemanticModel(tree)).TryRead(initializer);
    }

    [Fact]
    public void A_factory_call_with_constants_is_read_with_its_defaults()
    {
        Assert.Null(Read("nn.Linear(Hidden * 2, outputSize: 10)")); // Hidden is not declared: the binder reports it
        var linear = Read("nn.Linear(C2.Hidden * 2, hasBias: false, outputSize: 10)", "public static class C2 { public const int Hidden = 32; }\n");
        Assert.NotNull(linear);
        Assert.Equal("Linear", linear.Kind);
        Assert.Equal(64L, linear.Arguments["inputSize"]);
        Assert.Equal(10L, linear.Arguments["outputSize"]);
        Assert.Equal(false, linear.Arguments["hasBias"]);
        Assert.Same(Folded.Null, linear.Arguments["device"]);
        Assert.Equal(["hasBias", "inputSize", "outputSize"], linear.ArgumentLocations.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sequential_children_are_read_in_order()
    {
        var call = Read("""nn.Sequential(("a", nn.Linear(4, 3)), ("b", nn.ReLU()))""");
        Assert.NotNull(call);
        Assert.Equal(["Linear", "ReLU"], call.Children!.Select(c => c.Kind));
    }

    [Theory]
    [InlineData("nn.Linear(64, 64)", "Linear")]
    [InlineData("nn.ReLU()", "ReLU")]
    [InlineData("nn.ReLU(inplace: 3 < 0)", "ReLU")]
    [InlineData("nn.Conv2d(1, 32, 3, padding: 1)", "Conv2d")]
    [InlineData("nn.Conv1d(1, 32, 3, stride: 2)", "Conv1d")]
    [InlineData("nn.MaxPool2d(2)", "MaxPool2d")]
    [InlineData("nn.MaxPool1d(2)", "MaxPool1d")]
    [InlineData("nn.AvgPool2d(2)", "AvgPool2d")]
    [InlineData("nn.AdaptiveAvgPool2d((1, 1))", "AdaptiveAvgPool2d")]
    [InlineData("nn.Flatten()", "Flatten")]
    [InlineData("nn.Dropout(p: 0.25)", "Dropout")]
    [InlineData("nn.Dropout(+0.25, inplace: (1 < 2) & !(2 > 3) ^ true | 7 % 4 - 3 != 0)", "Dropout")]
    [InlineData("nn.LayerNorm(128)", "LayerNorm")]
    [InlineData("nn.BatchNorm1d(64)", "BatchNorm1d")]
    [InlineData("nn.BatchNorm2d(64)", "BatchNorm2d")]
    [InlineData("nn.Embedding(100, 16)", "Embedding")]
    [InlineData("nn.GELU()", "GELU")]
    [InlineData("nn.Sigmoid()", "Sigmoid")]
    [InlineData("nn.Softmax(1)", "Softmax")]
    public void Common_factory_calls_are_read_without_binding(string body, string kind) => Assert.Equal(kind, Read(body)?.Kind);

    [Theory]
    [InlineData("nn.Linear(4, System.Environment.ProcessorCount)")]   // not a constant
    [InlineData("nn.Linear(4L + 1, 3)")]                                // a long literal: left to the binder
    [InlineData("nn.Identity()")]                                       // a factory the cost model does not know
    [InlineData("nn.Sequential()")]                                     // the binder reports it
    [InlineData("nn.Sequential(nn.Linear(4, 3), (\"b\", nn.ReLU()))")]  // mixed tuples and modules
    [InlineData("nn.Conv2d(3, 8, 3, padding: 0)")]                      // 0 also converts to Padding: overload resolution is the binder's
    [InlineData("torch.nn.Linear(4, 3)")]                               // only nn.Factory(...) is read
    [InlineData("nn.Linear(4, 2147483647 + 1)")]                        // int overflow: a compile error
    public void What_the_reader_is_not_sure_of_is_left_to_binding(string body) => Assert.Null(Read(body));
}
