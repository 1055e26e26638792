using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HopSplit.Generators.Models;

/// <summary>Layers without an initializer, assigned in the model's constructors.</summary>
internal static partial class ModelReader
{
    /// <summary>A module assigned to a layer member, and the constructor parameter values it is analysed with.</summary>
    private sealed record Assignment(IOperation Value, Env Env);

    /// <summary>What one constructor assigns, after the constructors it chains to with <c>this(...)</c>; or why its
    /// body cannot be read (the assignments before the problem are kept).</summary>
    private sealed record ConstructorAssignments(string Signature, Dictionary<ISymbol, Assignment> Assigned, string? Problem, Location? ProblemLocation);

    /// <summary>The constructors a user can call (their assignments must agree), or why none can be read.
    /// <see cref="Skipped"/>: a constructor's tree has no semantic model (the reading is incomplete, silently).</summary>
    private sealed record ModelConstructors(IReadOnlyList<ConstructorAssignments> Entries, string? Problem, bool Skipped = false);

    private const int MaxChain = 16;

    /// <summary>
    /// Reads every non-private declared instance constructor (all of them when every one is private): its simple
    /// assignments (<c>fc = ...</c>, <c>this.fc = ...</c>, also in <c>if</c>s whose condition folds), preceded by those
    /// of the constructor it chains to with <c>this(...)</c>, whose parameters take the folded arguments (so
    /// <c>: this(128)</c> makes a size a constant there). The model's own parameters are not constants.
    /// </summary>
    private static ModelConstructors ReadConstructors(INamedTypeSymbol type, Func<SyntaxTree, SemanticModel?> semanticModel, CancellationToken ct)
    {
        var declared = type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
        if (declared.Count == 0) return new([], "it has no initializer and the model has no constructor to assign it");
        var entries = declared.Where(c => c.DeclaredAccessibility != Accessibility.Private).ToList();
        if (entries.Count == 0) entries = declared;
        var read = new List<ConstructorAssignments>();
        foreach (var constructor in entries)
        {
            var assigned = new Dictionary<ISymbol, Assignment>(SymbolEqualityComparer.Default);
            var signature = Signature(constructor);
            try
            {
                Collect(constructor, Env.Empty, assigned, semanticModel, 0, ct);
                read.Add(new(signature, assigned, null, null));
            }
            catch (LocatedProblem problem)
            {
                read.Add(new(signature, assigned, problem.Problem.Message, problem.Location));
            }
            catch (SkipReading)
            {
                return new([], null, Skipped: true);
            }
        }
        return new(read, null);
    }

    /// <summary>The assignments of <paramref name="constructor"/>'s chain, outermost last (later ones win).</summary>
    /// <param name="creation">For a [LayerBlock]: the model's <c>new Block(...)</c>, where a constructor condition that does
    /// not fold is reported; null for the model's own constructors (reported at the condition).</param>
    private static void Collect(IMethodSymbol constructor, Env env, Dictionary<ISymbol, Assignment> assigned,
        Func<SyntaxTree, SemanticModel?> semanticModel, int depth, CancellationToken ct, IOperation? creation = null)
    {
        ct.ThrowIfCancellationRequested();
        var syntax = constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<ConstructorDeclarationSyntax>().FirstOrDefault();
        if (syntax is null) return; // e.g. a primary constructor: it assigns no layers
        var model = semanticModel(syntax.SyntaxTree) ?? throw new SkipReading();
        if (model.GetOperation(syntax, ct) is not IConstructorBodyOperation body) return;
        if (syntax.Initializer is { ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword } chain)
        {
            var call = body.Initializer is IExpressionStatementOperation statement ? statement.Operation : body.Initializer;
            if (call is not IInvocationOperation { TargetMethod: { } target } invocation)
                throw new LocatedProblem(new LayerProblem(LayerProblemKind.Unsupported, "the constructor's this(...) call cannot be read"), chain.GetLocation());
            if (depth >= MaxChain)
                throw new LocatedProblem(new LayerProblem(LayerProblemKind.Unsupported, $"the constructors chain more than {MaxChain} deep"), chain.GetLocation());
            Collect(target, env.Call(invocation.Arguments), assigned, semanticModel, depth + 1, ct, creation);
        }
        CollectAssignments(body.BlockBody ?? (IOperation?)body.ExpressionBody, env, assigned, creation ?? body, null);
    }

    private static string Signature(IMethodSymbol constructor) =>
        $"{constructor.ContainingType.Name}({string.Join(", ", constructor.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)))})";

    /// <summary>
    /// A layer member without an initializer: the module every entry constructor assigns to it. When they assign
    /// modules with different costs, or some assign it and some do not, the layer has no costs (HS0010).
    /// </summary>
    private static LayerReading? ReadAssignedLayer(ISymbol member, long[]? input, ModelConstructors constructors,
        Func<SyntaxTree, SemanticModel?> semanticModel, LayerMarksReader marks, List<ModelIssue> issues, CancellationToken ct)
    {
        if (constructors.Skipped) return null;
        var declaredAt = member.Locations.FirstOrDefault();
        if (constructors.Problem is not null)
        {
            issues.Add(Unprofiled(member, declaredAt, constructors.Problem));
            return null;
        }
        var results = new List<(string Signature, Analysed? Result, Location? Where)>();
        foreach (var entry in constructors.Entries)
        {
            if (!entry.Assigned.TryGetValue(member, out var assignment))
            {
                if (entry.Problem is not null)
                {
                    issues.Add(Unprofiled(member, entry.ProblemLocation ?? declaredAt, entry.Problem));
                    return null;
                }
                results.Add((entry.Signature, null, null));
                continue;
            }
            var where = assignment.Value.Syntax.GetLocation();
            var context = new BlockContext(semanticModel, marks, ct);
            var result = Analyse(member, where, issues, () => AnalyseModule(assignment.Value, input, assignment.Env, context, 0, where));
            if (result is null) return null; // the issue says why (none when a tree had no semantic model)
            results.Add((entry.Signature, result, where));
        }

        if (results.All(r => r.Result is null))
        {
            issues.Add(Unprofiled(member, declaredAt, constructors.Entries.Count == 1
                ? "it has no initializer, and the model's constructor does not assign it"
                : "it has no initializer, and no constructor of the model assigns it"));
            return null;
        }
        var first = results[0];
        foreach (var other in results.Skip(1))
        {
            if (SameCosts(first.Result, other.Result)) continue;
            issues.Add(new(DiagnosticDescriptors.LayerAssignedDifferently, declaredAt, new object[]
            {
                member.Name, member.ContainingType.Name,
                $"{Describe(first.Result)} in constructor {first.Signature} but {Describe(other.Result)} in {other.Signature}",
            }, System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty.Add(ConstructorCosts.PropertyName, ConstructorCosts.Format(
                results.Where(r => r.Result?.Out is not null)
                    .Select(r => new ConstructorCosts(r.Signature, r.Result!.Kind, r.Result.Flops, r.Result.Parameters, r.Result.Out!))))));
            return null;
        }
        return Reading(member, input, first.Result!, first.Where);
    }

    private static bool SameCosts(Analysed? a, Analysed? b) =>
        a is not null && b is not null && a.Kind == b.Kind && a.Parameters == b.Parameters && a.Flops == b.Flops
        && (a.Out is null ? b.Out is null : b.Out is not null && a.Out.SequenceEqual(b.Out));

    private static string Describe(Analysed? module) => module is null
        ? "not assigned"
        : $"a {module.Kind} with {module.Parameters.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} parameters"
          + (module.Out is null ? "" : $" and output {LayerMath.Shape(module.Out)}");
}
