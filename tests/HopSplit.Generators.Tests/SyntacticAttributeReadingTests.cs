using HopSplit.Generators.Models;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Tests;

/// <summary>
/// [Layer] and [LayerCost] read from syntax (<see cref="SyntacticAttributeReader"/>) must give what binding gives, for
/// every member of every class; plain spellings must not be bound, and any name that could mean something else must be.
/// </summary>
public class SyntacticAttributeReadingTests
{
    /// <summary>Spellings read from the syntax: none of these members is bound.</summary>
    public const string Plain = ModelSources.Usings + """
        namespace Demo;
        public static class Sizes { public const int Order = 1; }
        [SplitModel(10)]
        public sealed partial class Plain : nn.Module<Tensor, Tensor>
        {
            [Layer(Order = 3)] readonly Linear last = nn.Linear(4, 2);
            [Layer] readonly Linear first = nn.Linear(10, 8);
            [HopSplit.Layer, System.Obsolete] readonly ReLU act = nn.ReLU();
            [global::HopSplit.LayerAttribute(Order = 2)] readonly Linear third = nn.Linear(6, 4);
            [LayerAttribute(Order = -1)] readonly Linear zeroth = nn.Linear(10, 10);
            [field: Layer(Order = 1)] readonly Linear second = nn.Linear(8, 6);
            [property: Layer(Order = 2)] Tanh Squash { get; } = nn.Tanh();
            [Layer(Order = 3), LayerCost(ForwardFlops = 10, Parameters = 0, OutputShape = new[] { 2 })] readonly Module<Tensor, Tensor> custom = nn.Identity();
            [System.NonSerialized] readonly int notALayer = 3;
            readonly int plain = 4;
            public Plain() : base("plain") { }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    /// <summary>Spellings the reader is not sure of: each member is bound (and may or may not be a layer).</summary>
    public const string Unsure = ModelSources.Usings + """
        namespace Demo
        {
            using L = HopSplit.LayerAttribute;
            using H = HopSplit;
            public static class Sizes { public const int Order = 1; }
            [SplitModel(10)]
            public sealed partial class Aliased : nn.Module<Tensor, Tensor>
            {
                [L] readonly Linear a = nn.Linear(10, 8);
                [H.Layer] readonly Linear b = nn.Linear(8, 6);
                [Layer] readonly Linear c = nn.Linear(6, 4);
                public Aliased() : base("a") { }
                public override Tensor forward(Tensor x) => x;
            }
        }
        namespace Other
        {
            /// A user's own attribute named like HopSplit's: [Layer] here means this one.
            public sealed class LayerAttribute : System.Attribute { public int Order { get; set; } }
            [SplitModel(10)]
            public sealed partial class Shadowed : nn.Module<Tensor, Tensor>
            {
                [Layer] readonly Linear a = nn.Linear(10, 8);
                [HopSplit.Layer] readonly Linear b = nn.Linear(10, 6);
                public Shadowed() : base("s") { }
                public override Tensor forward(Tensor x) => x;
            }
        }
        namespace Nested
        {
            [SplitModel(10)]
            public sealed partial class WithNestedLayer : nn.Module<Tensor, Tensor>
            {
                /// A nested class named Layer: [Layer] is ambiguous with HopSplit.LayerAttribute (or means this).
                public sealed class Layer : System.Attribute { }
                [Layer] readonly Linear a = nn.Linear(10, 8);
                [Layer(Order = Demo.Sizes.Order)] readonly Linear b = nn.Linear(8, 6);
                [Layer] public Linear P { get; } = nn.Linear(6, 4);
                public WithNestedLayer() : base("n") { }
                public override Tensor forward(Tensor x) => x;
            }
            [SplitModel(10)]
            public sealed partial class Odd : nn.Module<Tensor, Tensor>
            {
                [HopSplit.LayerAttribute(Order = Demo.Sizes.Order)] readonly Linear a = nn.Linear(10, 8);
                [Layer(Order = 1 + 1)] readonly Linear b = nn.Linear(8, 6);
                [field: Layer] Linear Backed { get; } = nn.Linear(6, 4);
                public Odd() : base("o") { }
                public override Tensor forward(Tensor x) => x;
            }
        }
        """;

    private static IEnumerable<INamedTypeSymbol> Classes(Compilation compilation, string namespaceName) =>
        compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Where(t => t.ContainingNamespace.ToDisplayString() == namespaceName && t.TypeKind == TypeKind.Class);

    /// <summary>Every member's marks both ways, and how many members the syntactic reader bound.</summary>
    private static (List<string> Syntax, List<string> Bound, int BoundCount) ReadBothWays(Compilation compilation, INamedTypeSymbol type)
    {
        var reader = new SyntacticAttributeReader(t => compilation.GetSemanticModel(t), default);
        var members = type.GetMembers().Where(m => m is IFieldSymbol or IPropertySymbol).ToList();
        var syntax = members.Select(m => $"{m.Name}: {reader.Read(m)}").ToList();
        var bound = members.Select(m => $"{m.Name}: {SyntacticAttributeReader.FromAttributes(m)}").ToList();
        return (syntax, bound, reader.Bound);
    }

    [Fact]
    public void Plain_spellings_are_read_without_binding_and_agree_with_binding()
    {
        var compilation = GeneratorHarness.Compile(Plain);
        var type = Classes(compilation, "Demo").Single(t => t.Name == "Plain");
        var (syntax, bound, boundCount) = ReadBothWays(compilation, type);
        Assert.Equal(bound, syntax);
        // Only the auto-property's backing field carries no syntax of its own and is left to binding.
        Assert.Equal(1, boundCount);
        var layers = ModelReader.Read(type, t => compilation.GetSemanticModel(t), default).Layers.Select(l => l.Name);
        Assert.Equal(["zeroth", "first", "act", "second", "third", "Squash", "last", "custom"], layers);
    }

    [Theory]
    [InlineData("Demo", "Aliased", 3)]
    [InlineData("Other", "Shadowed", 1)]        // [HopSplit.Layer] there is plain
    [InlineData("Nested", "WithNestedLayer", 3)] // not P's backing field: no [field: ...] list
    [InlineData("Nested", "Odd", 3)]             // a, b and Backed's backing field (not Backed itself)
    public void Names_that_could_mean_something_else_are_bound(string namespaceName, string className, int expectedBound)
    {
        var compilation = GeneratorHarness.Compile(Unsure);
        var type = Classes(compilation, namespaceName).Single(t => t.Name == className);
        var (syntax, bound, boundCount) = ReadBothWays(compilation, type);
        Assert.Equal(bound, syntax);
        Assert.True(boundCount == expectedBound, $"{boundCount} members bound, expected {expectedBound}:\n{string.Join("\n", syntax)}");
    }

    [Fact]
    public void A_user_attribute_named_Layer_does_not_make_a_layer()
    {
        var compilation = GeneratorHarness.Compile(Unsure);
        var type = Classes(compilation, "Other").Single(t => t.Name == "Shadowed");
        Assert.Equal(["b"], ModelReader.Read(type, t => compilation.GetSemanticModel(t), default).Layers.Select(l => l.Name));
    }
}
