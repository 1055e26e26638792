using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HopSplit.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.CodeFixes;

/// <summary>HS0003: adds <c>partial</c> to every declaration of the model type that lacks it (in any document).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeModelPartialCodeFix)), Shared]
public sealed class MakeModelPartialCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "HS0003.MakePartial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ModelNotPartial.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id != DiagnosticDescriptors.ModelNotPartial.Id) continue;
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
                continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{declaration.Identifier.ValueText}' partial",
                    ct => MakePartialAsync(document, declaration, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Solution> MakePartialAsync(Document document, TypeDeclarationSyntax reported, CancellationToken ct)
    {
        var solution = document.Project.Solution;
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        // Every declaration of the type; just the reported one when the symbol is unavailable.
        var declarations = model?.GetDeclaredSymbol(reported, ct) is { } type
            ? type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>().ToList()
            : new List<TypeDeclarationSyntax> { reported };

        foreach (var group in declarations.Where(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)).GroupBy(d => d.SyntaxTree))
        {
            if (solution.GetDocument(group.Key) is not { } target) continue;
            var root = await group.Key.GetRootAsync(ct).ConfigureAwait(false);
            var newRoot = root.ReplaceNodes(group, (_, current) => AddPartial(current));
            solution = solution.WithDocumentSyntaxRoot(target.Id, newRoot);
        }
        return solution;
    }

    /// <summary>Appends <c>partial</c> as the last modifier (it must come just before the keyword); with no
    /// modifiers it takes over the keyword's leading trivia (indentation, comments).</summary>
    internal static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count > 0)
            return declaration.WithModifiers(declaration.Modifiers.Add(partial));
        var keyword = declaration.Keyword;
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
