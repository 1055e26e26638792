using System.Collections.Immutable;
using System.Linq;
using HopSplit.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HopSplit.Generators.Diagnostics;

/// <summary>
/// Reports what keeps a [SplitModel] class from getting Costs: unprofiled layers (HS0001), shapes that do
/// not chain (HS0002), a non-partial type (HS0003) and invalid values (HS0004). Runs on the declaration that
/// carries [SplitModel] and checks the layers declared in that file (layers in other partial files are
/// skipped here; the generator still reads them).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnprofiledLayer, DiagnosticDescriptors.ShapeMismatch,
        DiagnosticDescriptors.ModelNotPartial, DiagnosticDescriptors.InvalidModelValue);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(Analyze, SyntaxKind.ClassDeclaration);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        if (declaration.AttributeLists.Count == 0) return;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type) return;
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ModelReader.SplitModelAttribute);
        // Only the declaration that carries the attribute, so a partial type is reported once.
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not { } applied
            || !declaration.AttributeLists.Any(list => list.Span.Contains(applied.Span) && list.SyntaxTree == applied.SyntaxTree)) return;

        var model = context.SemanticModel;
        var reading = ModelReader.Read(type, tree => tree == model.SyntaxTree ? model : null, context.CancellationToken);
        foreach (var issue in reading.Issues)
        {
            if (issue.Location is not { IsInSource: true } location) continue;
            context.ReportDiagnostic(Diagnostic.Create(issue.Descriptor, location, issue.Args));
        }
    }
}
