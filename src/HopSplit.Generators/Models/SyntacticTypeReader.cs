using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Models;

/// <summary>
/// A layer member's declared type without binding the member: for a field or property declared with a simple type
/// name (<c>Linear fc</c>), the name is looked up once per type declaration. Binding each member's type
/// (<c>IFieldSymbol.Type</c>) allocated about 4 KB per layer, a fifth of a cold run on a 200-layer model, only to check
/// that the layers are modules. Anything else (a qualified, generic, nullable or predefined type, an alias, a name
/// that finds several symbols, a member with several declarations) is bound as before.
/// </summary>
internal sealed class SyntacticTypeReader
{
    private readonly Func<SyntaxTree, SemanticModel?> semanticModel;
    private readonly CancellationToken ct;
    private readonly Dictionary<(SyntaxNode, string), INamedTypeSymbol?> byName = new();

    public SyntacticTypeReader(Func<SyntaxTree, SemanticModel?> semanticModel, CancellationToken ct)
    {
        this.semanticModel = semanticModel;
        this.ct = ct;
    }

    /// <summary>How many members had to be bound (tests check the fast path is taken).</summary>
    public int Bound { get; private set; }

    /// <summary>The member's type, and whether it is declared nullable (<c>Linear?</c>).</summary>
    public (ITypeSymbol? Type, bool MaybeNull) Read(ISymbol member)
    {
        if (TryRead(member) is { } type) return (type, false);
        Bound++;
        var bound = member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
        return (bound, bound?.NullableAnnotation == NullableAnnotation.Annotated);
    }

    private INamedTypeSymbol? TryRead(ISymbol member)
    {
        if (member.DeclaringSyntaxReferences.Length != 1) return null;
        var syntax = member.DeclaringSyntaxReferences[0].GetSyntax(ct);
        var type = syntax switch
        {
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: FieldDeclarationSyntax } declaration } => declaration.Type,
            PropertyDeclarationSyntax property => property.Type,
            _ => null,
        };
        if (type is not IdentifierNameSyntax { IsVar: false } name) return null;
        var scope = type.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (scope is null || semanticModel(type.SyntaxTree) is not { } model) return null;
        var key = ((SyntaxNode)scope, name.Identifier.ValueText);
        if (byName.TryGetValue(key, out var cached)) return cached;
        var found = model.LookupNamespacesAndTypes(name.SpanStart, null, name.Identifier.ValueText);
        // Exactly one non-generic type (an alias, a type parameter or dynamic is bound).
        return byName[key] = found.Length == 1 && found[0] is INamedTypeSymbol { Arity: 0, TypeKind: not TypeKind.Error } named ? named : null;
    }
}
