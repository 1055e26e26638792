using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.CodeFixes;

/// <summary>
/// HS0010: one action per distinct module the constructors assign ("Cost 'fc' as Net() assigns it"), which states that
/// module's analysed costs with [LayerCost] on the member. The cost table is one per class, so someone has to say which
/// constructor the plan is for; the action makes that choice explicit in the code, with a comment naming the constructor.
/// Not offered for a constructor whose module's output shape is unknown, nor when the layer's declaration cannot be found.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CostAsConstructorAssignsCodeFix)), Shared]
public sealed class CostAsConstructorAssignsCodeFix : CodeFixProvider
{
    public const string EquivalenceKeyPrefix = "HS0010.CostAs:";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LayerAssignedDifferently.Id);

    // Each action names a constructor of its own model, so fixing all with one of them means nothing.
    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id != DiagnosticDescriptors.LayerAssignedDifferently.Id) continue;
            var member = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is FieldDeclarationSyntax or PropertyDeclarationSyntax);
            if (member is null || member.AttributeLists.Count == 0) continue;
            var name = member is PropertyDeclarationSyntax p ? p.Identifier.ValueText
                : ((FieldDeclarationSyntax)member).Declaration.Variables.First().Identifier.ValueText;
            diagnostic.Properties.TryGetValue(ConstructorCosts.PropertyName, out var text);
            var offered = new List<ConstructorCosts>();
            foreach (var costs in ConstructorCosts.Parse(text))
            {
                if (offered.Any(o => o.SameCosts(costs)) || costs.OutputShape.Any(d => d <= 0 || d > int.MaxValue)) continue;
                offered.Add(costs);
                var title = $"Cost '{name}' as constructor {costs.Constructor} assigns it ({costs.Kind}, {costs.Parameters.ToString("R", CultureInfo.InvariantCulture)} parameters)";
                var comment = $"// HS0010: the costs of the {costs.Kind} constructor {costs.Constructor} assigns; the other constructors assign different modules.";
                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => LayerCostInsertion.AddAsync(document, member, "LayerCost(" + costs.AttributeArguments() + ")", comment, ct),
                        EquivalenceKeyPrefix + costs.Constructor),
                    diagnostic);
            }
        }
    }
}
