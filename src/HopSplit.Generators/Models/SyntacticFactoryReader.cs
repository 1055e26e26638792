using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Models;

/// <summary>An <c>nn</c> factory call read from syntax: the factory's name, every parameter's folded value
/// (defaults included), where each explicit argument is written, and, for <c>nn.Sequential</c>, its children.</summary>
internal sealed record FactoryCall(
    string Kind,
    Dictionary<string, object?> Arguments,
    Dictionary<string, Location> ArgumentLocations,
    Location Location,
    IReadOnlyList<FactoryCall>? Children = null);

/// <summary>
/// The fast path of the model analysis: reads a layer initializer such as <c>nn.Linear(64, Hidden + 1)</c> without
/// binding it. Binding a field initializer costs about a millisecond each (a semantic model per initializer, overload
/// resolution over TorchSharp's <c>nn</c>), so a 200-layer model spent most of a cold run there. This reader does
/// only name lookups (<c>nn</c>, a <c>const</c>, an enum type) and chooses the overload itself, and it gives up
/// (returns null, and the caller binds as before) on anything it is not sure of: a call that is not
/// <c>nn.Factory(...)</c>, a factory the cost model does not know, an argument that is not a literal, a
/// <c>const</c>, an enum member or integer/bool arithmetic of them, or more than one applicable overload.
/// What it returns is what binding would fold (tests compare both on every model source).
/// </summary>
internal sealed class SyntacticFactoryReader
{
    private readonly SemanticModel model;

    // What `nn` means where a type's members are declared (the same for every initializer of that declaration).
    private readonly Dictionary<SyntaxNode, INamedTypeSymbol?> nnByDeclaration = new();

    public SyntacticFactoryReader(SemanticModel model) => this.model = model;

    /// <summary>The call, or null when binding is needed.</summary>
    public FactoryCall? TryRead(ExpressionSyntax expression)
    {
        try
        {
            return Read(expression, depth: 0);
        }
        catch (OverflowException)
        {
            return null; // let the binder report what it makes of it
        }
    }

    private FactoryCall? Read(ExpressionSyntax expression, int depth)
    {
        if (depth > 16) return null;
        if (expression is not InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Expression: IdentifierNameSyntax { Identifier.ValueText: "nn" }, Name: IdentifierNameSyntax name },
            } invocation)
            return null;
        var factory = name.Identifier.ValueText;
        if (factory != "Sequential" && !LayerMath.Supported.Contains(factory)) return null;
        if (Nn(invocation) is not { } nn) return null;
        return factory == "Sequential" ? ReadSequential(invocation, depth) : ReadFactory(invocation, nn, factory);
    }

    /// <summary>nn.Sequential(m1, m2, ...) or nn.Sequential(("a", m1), ...): every child read syntactically.</summary>
    private FactoryCall? ReadSequential(InvocationExpressionSyntax invocation, int depth)
    {
        var children = new List<FactoryCall>();
        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            if (argument.NameColon is not null || !argument.RefKindKeyword.IsKind(SyntaxKind.None)) return null;
            var child = argument.Expression is TupleExpressionSyntax { Arguments.Count: 2 } tuple
                        && tuple.Arguments[0].Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression }
                ? tuple.Arguments[1].Expression
                : argument.Expression;
            if (Read(child, depth + 1) is not { } call) return null;
            children.Add(call);
        }
        // The binder reports an empty Sequential with its own message.
        if (children.Count == 0) return null;
        // Tuples and plain modules cannot be mixed in one params array: the binder decides that too.
        var tuples = invocation.ArgumentList.Arguments.Count(a => a.Expression is TupleExpressionSyntax);
        if (tuples != 0 && tuples != children.Count) return null;
        return new FactoryCall("Sequential", new(), new(), invocation.GetLocation(), children);
    }

    private FactoryCall? ReadFactory(InvocationExpressionSyntax invocation, INamedTypeSymbol nn, string factory)
    {
        var arguments = invocation.ArgumentList.Arguments;
        var values = new object?[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            if (!arguments[i].RefKindKeyword.IsKind(SyntaxKind.None)) return null;
            // A named argument followed by a positional one: leave the rules to the binder.
            if (i > 0 && arguments[i - 1].NameColon is not null && arguments[i].NameColon is null) return null;
            values[i] = Fold(arguments[i].Expression);
            if (ReferenceEquals(values[i], Folded.NotConstant)) return null;
        }

        FactoryCall? chosen = null;
        foreach (var method in nn.GetMembers(factory).OfType<IMethodSymbol>())
        {
            if (!method.IsStatic || method.IsGenericMethod || method.DeclaredAccessibility != Accessibility.Public) continue;
            if (Bind(method, arguments, values, invocation) is not { } call) continue;
            if (chosen is not null) return null; // several overloads apply: overload resolution is the binder's job
            chosen = call;
        }
        return chosen;
    }

    /// <summary>The call with this overload, or null when the arguments do not fit it.</summary>
    private static FactoryCall? Bind(IMethodSymbol method, SeparatedSyntaxList<ArgumentSyntax> arguments, object?[] values, InvocationExpressionSyntax invocation)
    {
        var parameters = method.Parameters;
        var given = new object?[parameters.Length];
        var set = new bool[parameters.Length];
        var locations = new Dictionary<string, Location>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            int index;
            if (arguments[i].NameColon is { } nameColon)
            {
                index = IndexOf(parameters, nameColon.Name.Identifier.ValueText);
                if (index < 0) return null;
            }
            else
            {
                index = i;
            }
            if (index >= parameters.Length || set[index] || parameters[index].IsParams || parameters[index].RefKind != RefKind.None) return null;
            if (Convert(values[i], parameters[index].Type) is not { } converted) return null;
            given[index] = converted.Value;
            set[index] = true;
            locations[parameters[index].Name] = arguments[i].GetLocation();
        }
        var folded = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (set[i])
            {
                folded[parameters[i].Name] = given[i];
                continue;
            }
            if (!parameters[i].HasExplicitDefaultValue || parameters[i].IsParams) return null;
            folded[parameters[i].Name] = ConstantFolding.Value(parameters[i].ExplicitDefaultValue); // an enum default folds to its number, as bound
        }
        return new FactoryCall(method.Name, folded, locations, invocation.GetLocation());
    }

    private static int IndexOf(System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters, string name)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == name) return i;
        }
        return -1;
    }

    /// <summary>The folded value as the parameter receives it (boxed in a holder so null can be a value), or null when
    /// it does not convert implicitly, or when the binder might choose differently (an int 0 also converts to an enum).</summary>
    private static StrongBox? Convert(object? value, ITypeSymbol type)
    {
        var isNullable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        var target = isNullable ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        if (ReferenceEquals(value, Folded.Null)) return isNullable || type.IsReferenceType ? new StrongBox(Folded.Null) : null;
        switch (value)
        {
            case bool:
                return target.SpecialType == SpecialType.System_Boolean ? new StrongBox(value) : null;
            case long l:
                return target.SpecialType switch
                {
                    SpecialType.System_Int64 => new StrongBox(l),
                    SpecialType.System_Int32 when l is >= int.MinValue and <= int.MaxValue => new StrongBox(l),
                    // An implicit int-to-floating conversion of a constant folds to the floating value.
                    SpecialType.System_Double or SpecialType.System_Single => new StrongBox((double)l),
                    // A constant 0 also converts to any enum: make the overload applicable, so that a choice between
                    // it and another is left to the binder.
                    _ when l == 0 && target.TypeKind == TypeKind.Enum => new StrongBox(l),
                    _ => null,
                };
            case double d:
                return target.SpecialType is SpecialType.System_Double ? new StrongBox(d) : null;
            case long[] tuple:
                return target is INamedTypeSymbol { IsTupleType: true } t && t.TupleElements.Length == tuple.Length
                       && t.TupleElements.All(e => e.Type.SpecialType == SpecialType.System_Int64)
                    ? new StrongBox(tuple)
                    : null;
            case EnumMember member:
                return SymbolEqualityComparer.Default.Equals(target, member.Type) ? new StrongBox(member.Name) : null;
            default:
                return null;
        }
    }

    /// <summary>A value holder (a folded value may itself be null-like).</summary>
    private sealed class StrongBox(object? value)
    {
        public object? Value { get; } = value;
    }

    /// <summary>An enum member as written (<c>Padding.Same</c>): binding folds it to its name.</summary>
    private sealed record EnumMember(ITypeSymbol Type, string Name);

    /// <summary>Literals, consts, enum members and integer/bool arithmetic; <see cref="Folded.NotConstant"/> otherwise.</summary>
    private object? Fold(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Fold(parenthesized.Expression);
            case LiteralExpressionSyntax literal:
                return literal.Kind() switch
                {
                    SyntaxKind.TrueLiteralExpression => true,
                    SyntaxKind.FalseLiteralExpression => false,
                    SyntaxKind.NullLiteralExpression => Folded.Null,
                    SyntaxKind.NumericLiteralExpression => literal.Token.Value switch
                    {
                        // Every integer folded here is an int, so an int parameter and int overflow are judged right.
                        int i => (long)i,
                        double d => d,
                        _ => Folded.NotConstant, // long, uint, float, decimal...: rare, bind
                    },
                    _ => Folded.NotConstant,
                };
            case TupleExpressionSyntax tuple:
                var elements = new long[tuple.Arguments.Count];
                for (var i = 0; i < elements.Length; i++)
                {
                    if (tuple.Arguments[i].NameColon is not null || Fold(tuple.Arguments[i].Expression) is not long l) return Folded.NotConstant;
                    elements[i] = l;
                }
                return elements;
            case PrefixUnaryExpressionSyntax unary:
                return ConstantFolding.UnaryOperator(unary.Kind()) is { } unaryOperator
                    ? IntRange(ConstantFolding.Unary(unaryOperator, Fold(unary.Operand)))
                    : Folded.NotConstant;
            case BinaryExpressionSyntax binary:
                return ConstantFolding.BinaryOperator(binary.Kind()) is { } binaryOperator
                    ? IntRange(ConstantFolding.Binary(binaryOperator, Fold(binary.Left), Fold(binary.Right)))
                    : Folded.NotConstant;
            case IdentifierNameSyntax identifier:
                return Constant(model.LookupSymbols(identifier.SpanStart, null, identifier.Identifier.ValueText));
            case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Expression: IdentifierNameSyntax left, Name: IdentifierNameSyntax right }:
                // Type.Member: an enum member or a const of another type.
                var types = model.LookupNamespacesAndTypes(left.SpanStart, null, left.Identifier.ValueText);
                if (types.Length != 1 || types[0] is not INamedTypeSymbol type) return Folded.NotConstant;
                // `left` must not also name a member or local (Color Color): then binding decides.
                if (model.LookupSymbols(left.SpanStart, null, left.Identifier.ValueText).Length != 1) return Folded.NotConstant;
                return Constant(type.GetMembers(right.Identifier.ValueText));
            default:
                return Folded.NotConstant;
        }
    }

    /// <summary>Every integer folded here is an int, and an int result outside int's range is an error in C# (or of a
    /// different type): bind instead.</summary>
    private static object? IntRange(object? value) => value is long l and (< int.MinValue or > int.MaxValue) ? Folded.NotConstant : value;

    private static object? Constant(System.Collections.Immutable.ImmutableArray<ISymbol> symbols)
    {
        if (symbols.Length != 1 || symbols[0] is not IFieldSymbol { HasConstantValue: true } field) return Folded.NotConstant;
        if (field.ContainingType.TypeKind == TypeKind.Enum) return new EnumMember(field.ContainingType, field.Name);
        return field.Type.SpecialType switch
        {
            SpecialType.System_Boolean => field.ConstantValue,
            SpecialType.System_Int32 => (long)(int)field.ConstantValue!,
            SpecialType.System_Double => field.ConstantValue,
            _ => Folded.NotConstant, // long, float, enum-typed consts...: bind
        };
    }

    /// <summary>TorchSharp.torch.nn when that is what the name <c>nn</c> means at the call, else null.</summary>
    private INamedTypeSymbol? Nn(InvocationExpressionSyntax invocation)
    {
        // Members of one type declaration see the same names (a local or parameter named nn cannot occur in a field
        // or property initializer).
        var scope = (SyntaxNode?)invocation.FirstAncestorOrSelf<TypeDeclarationSyntax>() ?? invocation.SyntaxTree.GetRoot();
        if (nnByDeclaration.TryGetValue(scope, out var cached)) return cached;
        var symbols = model.LookupSymbols(invocation.SpanStart, null, "nn");
        var nn = symbols.Length == 1 && symbols[0] is INamedTypeSymbol
        {
            Name: "nn", ContainingType: { Name: "torch", ContainingType: null, ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } },
        } type ? type : null;
        return nnByDeclaration[scope] = nn;
    }
}
