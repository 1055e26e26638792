using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Models;

/// <summary>What a member's [Layer] and [LayerCost] say: whether it is a layer, its Order, whether it has costs.</summary>
internal readonly record struct LayerMarks(bool IsLayer, int Order, bool HasCost);

/// <summary>
/// Reads [Layer] (with a constant <c>Order</c>) and the presence of [LayerCost] from a member's declaration without
/// binding its attributes. Binding them (<c>GetAttributes</c>) was about half of what a cold run on a 200-layer model
/// allocated, although the answer is usually plain from the text. An attribute name is trusted only when looking it up
/// where it is written finds HopSplit's attribute and nothing else (so a user type named <c>Layer</c>, an alias, or an
/// ambiguous name falls back); anything it is not sure of (an alias to a HopSplit attribute or namespace in scope, an
/// attribute target it does not know, a non-literal Order, several declarations of one member) is bound as before.
/// What it returns is what binding gives (tests compare both on every model source).
/// </summary>
internal sealed class SyntacticAttributeReader
{
    private static readonly string[] LayerNames = ["Layer", "LayerAttribute"];
    private static readonly string[] CostNames = ["LayerCost", "LayerCostAttribute"];

    private readonly Func<SyntaxTree, SemanticModel?> semanticModel;
    private readonly CancellationToken ct;

    // Per type declaration: false when an alias in scope could name a HopSplit attribute (then everything is bound).
    private readonly Dictionary<SyntaxNode, bool> aliasFree = new();

    // Per (type declaration, written name): the attribute the name means there, or null when unsure.
    private readonly Dictionary<(SyntaxNode, string), string?> meanings = new();

    public SyntacticAttributeReader(Func<SyntaxTree, SemanticModel?> semanticModel, CancellationToken ct)
    {
        this.semanticModel = semanticModel;
        this.ct = ct;
    }

    /// <summary>How many members had to be bound (tests check the fast path is taken).</summary>
    public int Bound { get; private set; }

    /// <summary>The member's marks: read from syntax when unambiguous, else from its bound attributes.</summary>
    public LayerMarks Read(ISymbol member)
    {
        if (TryRead(member) is { } marks) return marks;
        Bound++;
        return FromAttributes(member);
    }

    /// <summary>The marks as binding gives them.</summary>
    public static LayerMarks FromAttributes(ISymbol member)
    {
        AttributeData? layer = null;
        var cost = false;
        foreach (var attribute in member.GetAttributes())
        {
            if (layer is null && attribute.Is(ModelReader.LayerAttribute)) layer = attribute;
            else if (attribute.Is(ModelReader.LayerCostAttribute)) cost = true;
        }
        return new LayerMarks(layer is not null, layer?.Named("Order")?.Value is int order ? order : 0, cost);
    }

    private LayerMarks? TryRead(ISymbol member)
    {
        SyntaxList<AttributeListSyntax> lists;
        bool isProperty;
        if (member is IFieldSymbol { IsImplicitlyDeclared: true, AssociatedSymbol: IPropertySymbol property })
        {
            // An auto-property's backing field: only [field: ...] lists of the property apply to it.
            if (property.DeclaringSyntaxReferences.Length != 1 || property.DeclaringSyntaxReferences[0].GetSyntax(ct) is not PropertyDeclarationSyntax declaration)
                return null;
            return declaration.AttributeLists.Any(l => l.Target is not null) ? null : new LayerMarks(false, 0, false);
        }
        if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.Length != 1) return null;
        switch (member.DeclaringSyntaxReferences[0].GetSyntax(ct))
        {
            case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: FieldDeclarationSyntax field } }:
                lists = field.AttributeLists;
                isProperty = false;
                break;
            case PropertyDeclarationSyntax declaration:
                lists = declaration.AttributeLists;
                isProperty = true;
                break;
            default:
                return null;
        }
        if (lists.Count == 0) return new LayerMarks(false, 0, false);

        var scope = (SyntaxNode?)lists[0].FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (scope is null || semanticModel(lists[0].SyntaxTree) is not { } model) return null;
        if (!AliasFree(scope, model, lists[0].SpanStart)) return null;

        AttributeSyntax? layer = null;
        var cost = false;
        foreach (var list in lists)
        {
            switch (list.Target?.Identifier.Kind())
            {
                case null:
                    break;
                case SyntaxKind.FieldKeyword when !isProperty:
                case SyntaxKind.PropertyKeyword when isProperty:
                    break; // the default target, written out
                case SyntaxKind.FieldKeyword:
                    continue; // a property's [field: ...] belongs to its backing field
                default:
                    return null;
            }
            foreach (var attribute in list.Attributes)
            {
                switch (Meaning(attribute.Name, scope, model))
                {
                    case Unsure:
                        return null;
                    case ModelReader.LayerAttribute:
                        if (layer is not null) return null; // twice: a compile error, the binder's to report
                        layer = attribute;
                        break;
                    case ModelReader.LayerCostAttribute:
                        if (cost) return null;
                        cost = true;
                        break;
                }
            }
        }
        if (layer is null) return new LayerMarks(false, 0, cost);
        return Order(layer) is { } order ? new LayerMarks(true, order, cost) : null;
    }

    private const string Unsure = "?";

    /// <summary>HopSplit's attribute the written name means (its full name), null for another attribute, or
    /// <see cref="Unsure"/>.</summary>
    private string? Meaning(NameSyntax name, SyntaxNode scope, SemanticModel model)
    {
        var (qualifier, right) = name switch
        {
            IdentifierNameSyntax simple => ((NameSyntax?)null, simple.Identifier.ValueText),
            QualifiedNameSyntax { Right: IdentifierNameSyntax r } q => (q.Left, r.Identifier.ValueText),
            AliasQualifiedNameSyntax { Name: IdentifierNameSyntax r } a => (a.Alias, r.Identifier.ValueText),
            _ => (null, ""), // a generic attribute: never HopSplit's
        };
        var full = LayerNames.Contains(right) ? ModelReader.LayerAttribute : CostNames.Contains(right) ? ModelReader.LayerCostAttribute : null;
        // Another name can only mean a HopSplit attribute through an alias, which AliasFree excludes.
        if (full is null) return null;
        var key = (scope, name is IdentifierNameSyntax simpleName ? simpleName.Identifier.ValueText : name.ToString());
        if (meanings.TryGetValue(key, out var cached)) return cached;
        return meanings[key] = Resolve(qualifier, right, full, name.SpanStart, model);
    }

    /// <summary>Attribute lookup finds <c>right</c> and <c>right</c>Attribute; the name is trusted when exactly one
    /// type is found and it is <paramref name="full"/>.</summary>
    private string Resolve(NameSyntax? qualifier, string right, string full, int position, SemanticModel model)
    {
        INamespaceSymbol? container = null;
        switch (qualifier)
        {
            case null:
                break;
            case IdentifierNameSyntax { Identifier.ValueText: "HopSplit" } when qualifier.Parent is QualifiedNameSyntax:
                var found = model.LookupNamespacesAndTypes(position, null, "HopSplit");
                if (found.Length != 1 || found[0] is not INamespaceSymbol { ContainingNamespace.IsGlobalNamespace: true } ns) return Unsure;
                container = ns;
                break;
            case AliasQualifiedNameSyntax { Alias.Identifier.ValueText: "global", Name.Identifier.ValueText: "HopSplit" }:
                var global = model.Compilation.GlobalNamespace.GetNamespaceMembers().Where(n => n.Name == "HopSplit").ToList();
                if (global.Count != 1) return Unsure;
                container = global[0];
                break;
            default:
                return Unsure;
        }
        var types = new List<ISymbol>();
        foreach (var candidate in new[] { right, right + "Attribute" })
        {
            types.AddRange(container is null ? model.LookupNamespacesAndTypes(position, null, candidate) : container.GetMembers(candidate));
        }
        return types.Count == 1 && types[0] is INamedTypeSymbol { IsGenericType: false } type && type.ToDisplayString() == full ? full : Unsure;
    }

    /// <summary>No using alias in scope names a HopSplit attribute or the HopSplit namespace (or anything in it).</summary>
    private bool AliasFree(SyntaxNode scope, SemanticModel model, int position)
    {
        if (aliasFree.TryGetValue(scope, out var free)) return free;
        free = true;
        foreach (var imports in model.GetImportScopes(position, ct))
        {
            if (imports.ExternAliases.Length > 0) free = false;
            foreach (var alias in imports.Aliases)
            {
                for (ISymbol? s = alias.Target; s is not null && s is not INamespaceSymbol { IsGlobalNamespace: true }; s = (ISymbol?)s.ContainingType ?? s.ContainingNamespace)
                {
                    if (s is INamespaceSymbol { Name: "HopSplit", ContainingNamespace.IsGlobalNamespace: true }) free = false;
                }
            }
        }
        return aliasFree[scope] = free;
    }

    /// <summary>[Layer], [Layer()] or [Layer(Order = n)] with an int literal n (maybe negated); null otherwise.</summary>
    private static int? Order(AttributeSyntax layer)
    {
        var arguments = layer.ArgumentList?.Arguments ?? default;
        if (arguments.Count == 0) return 0;
        if (arguments.Count != 1 || arguments[0] is not { NameEquals.Name.Identifier.ValueText: "Order", NameColon: null } argument) return null;
        return argument.Expression switch
        {
            LiteralExpressionSyntax { Token.Value: int value } => value,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax { Token.Value: int value } } => -value,
            _ => null,
        };
    }
}
