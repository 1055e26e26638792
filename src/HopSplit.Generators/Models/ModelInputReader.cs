using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Networks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.Generators.Models;

/// <summary>
/// The first step of the model pipeline (the ForAttributeWithMetadataName transform, which Roslyn runs again on
/// every compilation change): reads a <see cref="ModelInput"/> without binding any initializer. Its key holds
/// <list type="bullet">
/// <item>every declaration of the model class (with the using scopes in effect there), method bodies left out
/// (the analysis never reads them; constructor bodies and initializers stay);</item>
/// <item>every declaration in the project whose name appears in that text (types and members, found through the
/// compiler's name index, so a const in another file, a [LayerBlock] class, a layer's module class or a new type
/// that shadows <c>nn</c> all count), and, in turn, the declarations their texts name; for a namespace of the
/// project with such a name, only its existence;</item>
/// <item>the metadata references (by display name, usually the file path).</item>
/// </list>
/// An edit that changes none of these (a method body anywhere, a class nothing in the model names) leaves the
/// key equal, so the analysis is not run again. More than <see cref="MaxDependencies"/> declarations make the
/// key unique each time (always analysed again: correct, only slower).
/// </summary>
internal static class ModelInputReader
{
    public const int MaxDependencies = 1000;

    private static int s_uncacheable;

    public static ModelInput? Read(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol type) return null;
        var target = Parser.GetTarget(type);
        if (target is null) return null;
        var compilation = context.SemanticModel.Compilation;

        var key = new List<string> { string.Join(";", compilation.References.Select(r => r.Display)) };
        var declarations = new HashSet<SyntaxNode>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>();
        var parts = new List<(string Path, int Start, string Text)>();
        var namespaces = new SortedSet<string>(StringComparer.Ordinal);

        void Add(SyntaxNode declaration)
        {
            declarations.Add(declaration);
            var model = declaration.SyntaxTree == context.SemanticModel.SyntaxTree ? context.SemanticModel : compilation.GetSemanticModel(declaration.SyntaxTree);
            var text = Scopes(model, declaration.SpanStart, ct) + "\n" + Text(declaration, names, pending);
            parts.Add((declaration.SyntaxTree.FilePath, declaration.SpanStart, text));
        }

        foreach (var reference in type.DeclaringSyntaxReferences) Add(reference.GetSyntax(ct));
        parts.Sort(Compare);
        key.AddRange(parts.Select(p => p.Path + "\n" + p.Text));
        parts.Clear();

        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var name = pending.Dequeue();
            // A namespace of the project with this name could change what the name binds to: its existence
            // counts (not its text, which spans whole files).
            foreach (var ns in compilation.GetSymbolsWithName(name, SymbolFilter.Namespace, ct))
                namespaces.Add(ns.ToDisplayString());
            foreach (var symbol in compilation.GetSymbolsWithName(name, SymbolFilter.TypeAndMember, ct))
            {
                foreach (var reference in symbol.DeclaringSyntaxReferences)
                {
                    var node = Declaration(reference.GetSyntax(ct));
                    if (node.AncestorsAndSelf().Any(declarations.Contains)) continue; // already in the key
                    if (declarations.Count >= MaxDependencies)
                    {
                        key.Add("uncacheable " + Interlocked.Increment(ref s_uncacheable));
                        return new ModelInput(target, type.Name, ModelReader.MetadataName(type), new(key.ToArray()), compilation);
                    }
                    Add(node);
                }
            }
        }
        parts.Sort(Compare);
        key.AddRange(parts.Select(p => p.Path + "\n" + p.Text));
        key.Add("namespaces " + string.Join(";", namespaces));
        return new ModelInput(target, type.Name, ModelReader.MetadataName(type), new(key.ToArray()), compilation);
    }

    private static int Compare((string Path, int Start, string Text) a, (string Path, int Start, string Text) b)
    {
        var byPath = string.CompareOrdinal(a.Path, b.Path);
        return byPath != 0 ? byPath : a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Text, b.Text);
    }

    /// <summary>A field's declarator stands for its whole field declaration (type, modifiers, const).</summary>
    private static SyntaxNode Declaration(SyntaxNode node) =>
        node is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: BaseFieldDeclarationSyntax field } } ? field : node;

    /// <summary>The using directives, aliases and extern aliases in effect at <paramref name="position"/> (global
    /// usings of every file included): they decide what the names in the declaration bind to.</summary>
    private static string Scopes(SemanticModel model, int position, CancellationToken ct)
    {
        var builder = new StringBuilder();
        foreach (var scope in model.GetImportScopes(position, ct))
        {
            foreach (var alias in scope.Aliases) builder.Append("alias ").Append(alias.Name).Append('=').Append(alias.Target.ToDisplayString()).Append(';');
            foreach (var alias in scope.ExternAliases) builder.Append("extern ").Append(alias.Name).Append(';');
            foreach (var import in scope.Imports) builder.Append("using ").Append(import.NamespaceOrType.ToDisplayString()).Append(';');
            builder.Append('|');
        }
        return builder.ToString();
    }

    /// <summary>The declaration's text with method, operator and accessor bodies replaced by ";", and every
    /// simple name in the rest queued for lookup.</summary>
    private static string Text(SyntaxNode declaration, HashSet<string> names, Queue<string> pending)
    {
        var text = declaration.ToString();
        var origin = declaration.Span.Start;
        var builder = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var node in declaration.DescendantNodesAndSelf(static n => !IsSkippedBody(n)))
        {
            if (IsSkippedBody(node))
            {
                var start = node.Span.Start - origin;
                if (start < copied) continue;
                builder.Append(text, copied, start - copied).Append(';');
                copied = node.Span.End - origin;
            }
            else if (node is SimpleNameSyntax simple && names.Add(simple.Identifier.ValueText))
            {
                pending.Enqueue(simple.Identifier.ValueText);
            }
        }
        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }

    /// <summary>Bodies the analysis never reads: of methods, operators, destructors and property/event accessors.</summary>
    private static bool IsSkippedBody(SyntaxNode node) =>
        node is BlockSyntax or ArrowExpressionClauseSyntax
        && node.Parent is MethodDeclarationSyntax or OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax
            or DestructorDeclarationSyntax or AccessorDeclarationSyntax;
}
