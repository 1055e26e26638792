using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HopSplit.CodeFixes;

/// <summary>Puts a [LayerCost] on a layer member's declaration (the HS0001 skeleton, or the HS0010 costs of one constructor).</summary>
internal static class LayerCostInsertion
{
    private const string LayerAttribute = "HopSplit.LayerAttribute";
    private const string LayerCostAttribute = "HopSplit.LayerCostAttribute";

    /// <summary>Adds <c>[<paramref name="attribute"/>]</c> to the list that holds the member's [Layer], with
    /// <paramref name="comment"/> on a line above the member, and <c>using HopSplit;</c> when LayerCost does not resolve.</summary>
    public static async Task<Document> AddAsync(Document document, MemberDeclarationSyntax member, string attribute, string comment, CancellationToken ct)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null) return document;

        // The list that holds [Layer]; the first list when it cannot be bound.
        var list = member.AttributeLists.FirstOrDefault(l => l.Attributes.Any(a =>
                       model.GetTypeInfo(a, ct).Type?.ToDisplayString() == LayerAttribute))
                   ?? member.AttributeLists[0];
        var parsed = ((ClassDeclarationSyntax)SyntaxFactory.ParseCompilationUnit($"[{attribute}] class C {{ }}").Members[0])
            .AttributeLists[0].Attributes[0];
        var items = list.Attributes.GetWithSeparators()
            .Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space))
            .Add(parsed);
        var newList = list.WithAttributes(SyntaxFactory.SeparatedList<AttributeSyntax>(items));

        var eol = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var newline = eol.IsKind(SyntaxKind.EndOfLineTrivia) ? eol : SyntaxFactory.EndOfLine("\n");
        var leading = member.GetLeadingTrivia();
        var indent = leading.Count > 0 && leading.Last().IsKind(SyntaxKind.WhitespaceTrivia) ? leading.Last() : default;
        var todo = leading
            .Add(SyntaxFactory.Comment(comment))
            .Add(newline);
        if (indent.IsKind(SyntaxKind.WhitespaceTrivia)) todo = todo.Add(indent);

        var newMember = member.ReplaceNode(list, newList);
        newMember = newMember.WithLeadingTrivia(todo);
        var newRoot = root.ReplaceNode(member, newMember);

        // using HopSplit; only when LayerCostAttribute does not already resolve where the member is.
        var resolves = model.LookupNamespacesAndTypes(member.SpanStart, name: "LayerCostAttribute")
            .Any(s => s.ToDisplayString() == LayerCostAttribute);
        if (!resolves) newRoot = AddUsing(newRoot, newline);
        return document.WithSyntaxRoot(newRoot);
    }

    private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax root, SyntaxTrivia newline)
    {
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("HopSplit"))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(newline);
        var usings = root.Usings;
        // Ordinal position among the plain usings (after System.*, as is usual).
        var index = 0;
        while (index < usings.Count
               && usings[index].StaticKeyword.IsKind(SyntaxKind.None) && usings[index].Alias is null
               && (usings[index].Name?.ToString() is { } n && (n == "System" || n.StartsWith("System.") || string.CompareOrdinal(n, "HopSplit") < 0)))
            index++;
        if (usings.Count == 0)
        {
            // Keep the file's leading trivia (header comments) in front of the new using.
            var first = root.GetLeadingTrivia();
            root = root.WithoutLeadingTrivia();
            return root.WithUsings(usings.Add(directive.WithLeadingTrivia(first).WithTrailingTrivia(newline, newline)));
        }
        if (index == 0)
        {
            var first = usings[0].GetLeadingTrivia();
            usings = usings.Replace(usings[0], usings[0].WithoutLeadingTrivia());
            return root.WithUsings(usings.Insert(0, directive.WithLeadingTrivia(first)));
        }
        return root.WithUsings(usings.Insert(index, directive));
    }
}
