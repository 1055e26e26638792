using HopSplit.Generators.Helpers;
using HopSplit.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Tests;

/// <summary>AttributeReading.Is compares the attribute class's full name without building display strings; it must
/// agree with ToDisplayString() for every shape of name.</summary>
public class AttributeReadingTests
{
    [Fact]
    public void Is_matches_exactly_the_full_name_as_ToDisplayString_writes_it()
    {
        var compilation = GeneratorHarness.Compile("""
            using System;
            namespace Other.HopSplit { public sealed class LayerAttribute : Attribute { } }
            namespace Deep.Name { public static class Outer { public sealed class InnerAttribute : Attribute { } } }
            public sealed class LayerAttribute : Attribute { }
            public sealed class Gen<T> : Attribute { }
            public class Target
            {
                [global::HopSplit.Layer] int a;
                [Other.HopSplit.Layer] int b;
                [global::LayerAttribute] int c;
                [Deep.Name.Outer.Inner] int d;
                [Gen<int>] int e;
            }
            """);
        var target = compilation.GetTypeByMetadataName("Target")!;
        string[] names = ["HopSplit.LayerAttribute", "Other.HopSplit.LayerAttribute", "LayerAttribute", "Deep.Name.Outer.InnerAttribute",
            "Name.Outer.InnerAttribute", "Outer.InnerAttribute", "InnerAttribute", ".LayerAttribute", "xHopSplit.LayerAttribute", "Gen<int>", ""];
        var checkedPairs = 0;
        foreach (var field in target.GetMembers().OfType<IFieldSymbol>())
        {
            var attribute = Assert.Single(field.GetAttributes());
            foreach (var name in names)
            {
                var expected = attribute.AttributeClass!.ToDisplayString() == name && !attribute.AttributeClass.IsGenericType;
                Assert.True(expected == attribute.Is(name), $"{field.Name}: {attribute.AttributeClass.ToDisplayString()} vs '{name}'");
                if (expected) checkedPairs++;
            }
        }
        Assert.Equal(4, checkedPairs); // a, b, c and d each match their own name once
    }
}
