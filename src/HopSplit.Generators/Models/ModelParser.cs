using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Networks;
using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Models;

/// <summary>Builds the value model of a [SplitModel] class, or null when anything is missing or wrong
/// (the analyzer reports why). Unprofiled layers (HS0001), and the layers after them whose input shape is
/// therefore unknown, are kept without costs: a profile may still supply them (<see cref="Profiles.ProfileMerge"/>).
/// Never throws (except on cancellation).</summary>
internal static class ModelParser
{
    /// <summary>The analysis step: binds the model's initializers in the compilation <paramref name="input"/> was
    /// read from (it runs only when the input is new or changed, in the same pass, so that compilation is alive).</summary>
    public static ModelSpec? Parse(ModelInput input, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (!input.Compilation.TryGetTarget(out var compilation)) return null;
        if (compilation.Assembly.GetTypeByMetadataName(input.MetadataName) is not { } type) return null;
        var target = input.Target;
        var models = new Dictionary<SyntaxTree, SemanticModel>();
        SemanticModel? SemanticModelOf(SyntaxTree tree)
        {
            if (models.TryGetValue(tree, out var model)) return model;
            if (!compilation.ContainsSyntaxTree(tree)) return null;
            return models[tree] = compilation.GetSemanticModel(tree);
        }
        var reading = ModelReader.Read(type, SemanticModelOf, ct, shareIdenticalInitializers: true);
        if (reading.InputShape is null || reading.Layers.Count == 0) return null;
        // Only layers without costs (unprofiled, or assigned differently by the constructors) can still be costed by a
        // profile; any other issue blocks the model.
        if (reading.Issues.Any(i => i.Descriptor != DiagnosticDescriptors.UnprofiledLayer && i.Descriptor != DiagnosticDescriptors.LayerAssignedDifferently)) return null;
        var types = new SyntacticTypeReader(SemanticModelOf, ct);
        var memberTypes = reading.Layers.Select(l => Member(type, l.Name) is { } member ? types.Read(member) : (null, false)).ToList();
        var layers = reading.Layers.Select((l, i) => (l.Out is null
            ? new LayerSpec(l.Name, l.Kind, Shape(l.In), EquatableArray<long>.Empty, 0, 0, 0, 0, LayerSpec.NoCosts)
            : new LayerSpec(l.Name, l.Kind, Shape(l.In), Shape(l.Out),
                l.Parameters, l.ForwardFlops, l.BackwardFlops, LayerMath.Product(l.Out, 0, l.Out.Length), l.Source, ParametersStated: l.ParametersStated))
            with { MaybeNull = memberTypes[i].MaybeNull }).ToArray();
        if (layers.Any(l => l.InputShape.Concat(l.OutputShape).Any(d => d > int.MaxValue))) return null;
        // Its own file name, so a class that is also a device or network does not collide.
        var hint = target.HintName.Substring(0, target.HintName.Length - ".g.cs".Length) + ".Costs.g.cs";
        var callable = memberTypes.All(t => IsTensorModule(t.Type));
        var forward = !callable || DeclaresForward(type) ? GeneratedForward.None
            : IsTensorModule(type) ? GeneratedForward.Override : GeneratedForward.Plain;
        return new ModelSpec(target with { HintName = hint }, reading.Name,
            LayerMath.Product(reading.InputShape, 0, reading.InputShape.Length), new EquatableArray<LayerSpec>(layers),
            callable, forward, type.Name, ModelReader.MetadataName(type));
    }

    private static EquatableArray<long> Shape(long[]? shape) => shape is null ? EquatableArray<long>.Empty : new EquatableArray<long>(shape);

    /// <summary>The field or property of that name.</summary>
    private static ISymbol? Member(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);

    internal static ITypeSymbol? MemberType(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).Select(m => m switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null })
            .FirstOrDefault(t => t is not null);

    /// <summary>The class itself declares a one-parameter <c>forward</c> (the generator then adds none).</summary>
    private static bool DeclaresForward(INamedTypeSymbol type) =>
        type.GetMembers("forward").OfType<IMethodSymbol>().Any(m => !m.IsImplicitlyDeclared && m.Parameters.Length == 1);

    /// <summary><paramref name="type"/> is or derives from <c>TorchSharp.torch.nn.Module&lt;Tensor, Tensor&gt;</c>.</summary>
    internal static bool IsTensorModule(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (t is { Name: "Module", Arity: 2, ContainingType: { Name: "nn", ContainingType: { Name: "torch", ContainingType: null, ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } } } }
                && t.TypeArguments.All(IsTensor))
                return true;
        }
        return false;
    }

    private static bool IsTensor(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Tensor", Arity: 0, ContainingType: { Name: "torch", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } } };
}
