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

/// <summary>
/// HS0001: adds a <c>[LayerCost]</c> skeleton to the unprofiled layer, in the attribute list that holds its
/// <c>[Layer]</c>, with a TODO comment above the member. The values are placeholders that pass HS0004 (all
/// numbers 0, output shape { 1 }); the user replaces them with the layer's per-sample costs. When the diagnostic is
/// in a constructor (a layer assigned there) or inside a [LayerBlock] class the layer uses, the attribute goes on the
/// model's member, found by the model and layer names the analyzer attaches (or the assignment's target), also in
/// another file of a partial class.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddLayerCostCodeFix)), Shared]
public sealed class AddLayerCostCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "HS0001.AddLayerCost";

    /// <summary>The skeleton, valid but obviously a placeholder.</summary>
    public const string Skeleton = "LayerCost(ForwardFlops = 0, Parameters = 0, OutputShape = new[] { 1 })";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnprofiledLayer.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id != DiagnosticDescriptors.UnprofiledLayer.Id) continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var document = context.Document;
            // The model's layer the analyzer names (the diagnostic may be in a constructor or inside a [LayerBlock]
            // class); otherwise the field or property the diagnostic is in.
            MemberDeclarationSyntax? member = null;
            if (await DeclarationOfNamedLayerAsync(document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } named)
                (document, member) = named;
            member ??= node.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is FieldDeclarationSyntax or PropertyDeclarationSyntax);
            if (member is null && await DeclarationOfLayerAsync(document, node, context.CancellationToken).ConfigureAwait(false) is { } found)
                (document, member) = found;
            if (member is null || member.AttributeLists.Count == 0) continue;
            var name = member is PropertyDeclarationSyntax p ? p.Identifier.ValueText
                : ((FieldDeclarationSyntax)member).Declaration.Variables.First().Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create($"Add a [LayerCost] skeleton to '{name}'", ct => AddSkeletonAsync(document, member, ct), EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The declaration of the layer the analyzer's Model and Layer properties name, and its document.</summary>
    private static async Task<(Document, MemberDeclarationSyntax)?> DeclarationOfNamedLayerAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        if (!diagnostic.Properties.TryGetValue(ModelAnalyzer.LayerPropertyName, out var layer) || layer is null
            || !diagnostic.Properties.TryGetValue(ModelAnalyzer.ModelPropertyName, out var model) || model is null)
            return null;
        var compilation = await document.Project.GetCompilationAsync(ct).ConfigureAwait(false);
        if (compilation?.GetTypeByMetadataName(model) is not { } type) return null;
        return Declaration(document.Project.Solution, type, layer, ct);
    }

    private static (Document, MemberDeclarationSyntax)? Declaration(Solution solution, INamedTypeSymbol type, string layer, CancellationToken ct)
    {
        var declaration = type.GetMembers(layer).Where(m => m is IFieldSymbol or IPropertySymbol)
            .SelectMany(m => m.DeclaringSyntaxReferences).Select(r => r.GetSyntax(ct))
            .Select(s => s.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is FieldDeclarationSyntax or PropertyDeclarationSyntax))
            .FirstOrDefault(m => m is not null);
        if (declaration is null || solution.GetDocument(declaration.SyntaxTree) is not { } target) return null;
        return (target, declaration);
    }

    /// <summary>For a diagnostic inside a constructor: the layer member's field or property declaration and its document.</summary>
    private static async Task<(Document, MemberDeclarationSyntax)?> DeclarationOfLayerAsync(Document document, SyntaxNode node, CancellationToken ct)
    {
        // Without the analyzer's properties: the target of the assignment the diagnostic is in (fc = ... or this.fc = ...).
        var layer = node.FirstAncestorOrSelf<AssignmentExpressionSyntax>()?.Left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
            _ => null,
        };
        if (layer is null || node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type) return null;
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(type, ct) is not INamedTypeSymbol symbol) return null;
        return Declaration(document.Project.Solution, symbol, layer, ct);
    }

    private static Task<Document> AddSkeletonAsync(Document document, MemberDeclarationSyntax member, CancellationToken ct) =>
        LayerCostInsertion.AddAsync(document, member, Skeleton,
            "// TODO(HS0001): placeholder costs; set this layer's per-sample ForwardFlops, Parameters and OutputShape.", ct);
}
