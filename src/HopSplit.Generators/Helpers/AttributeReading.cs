using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Helpers;

/// <summary>Reading attribute applications: one set of helpers for the parsers and the analyzers.</summary>
internal static class AttributeReading
{
    /// <summary>True when the attribute's class has this fully qualified name (a non-generic class, dotted like
    /// <c>HopSplit.LayerAttribute</c>). Compares the name segments in place: it runs for every attribute of every
    /// member of a model, and building display strings was a visible part of a cold run.</summary>
    public static bool Is(this AttributeData attribute, string fullName) =>
        attribute.AttributeClass is { IsGenericType: false } c && HasFullName(c, fullName);

    private static bool HasFullName(INamedTypeSymbol type, string fullName)
    {
        var end = fullName.Length;
        for (ISymbol? symbol = type; symbol is not null && symbol is not INamespaceSymbol { IsGlobalNamespace: true };
             symbol = (ISymbol?)symbol.ContainingType ?? symbol.ContainingNamespace)
        {
            var name = symbol.Name;
            if (end < fullName.Length)
            {
                // Between segments: a dot.
                if (end == 0 || fullName[end - 1] != '.') return false;
                end--;
            }
            var start = end - name.Length;
            if (start < 0 || string.CompareOrdinal(fullName, start, name, 0, name.Length) != 0) return false;
            end = start;
        }
        return end == 0;
    }

    /// <summary>The named argument's value, or null when it was not given.</summary>
    public static TypedConstant? Named(this AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name) return pair.Value;
        }
        return null;
    }

    /// <summary>The attribute as written in source, when there is one.</summary>
    public static AttributeSyntax? Syntax(this AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;

    /// <summary>Where the named argument is written, or the attribute's name when it is not.</summary>
    public static Location? NamedLocation(this AttributeData attribute, string name)
    {
        var syntax = attribute.Syntax();
        var named = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return named?.GetLocation() ?? syntax?.Name.GetLocation();
    }

    /// <summary>Where the positional argument is written, or the whole attribute when it cannot be found.</summary>
    public static Location? Argument(this AttributeData attribute, int index)
    {
        var syntax = attribute.Syntax();
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToList();
        return positional is not null && index < positional.Count ? positional[index].GetLocation() : syntax?.GetLocation();
    }
}
