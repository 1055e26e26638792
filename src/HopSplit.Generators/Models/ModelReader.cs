using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Diagnostics;
using HopSplit.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HopSplit.Generators.Models;

/// <summary>A problem found while reading a model, with where to report it.</summary>
internal sealed record ModelIssue(DiagnosticDescriptor Descriptor, Location? Location, object[] Args);

/// <summary>One layer as read: costs when known (Out is null when the layer or its input is unknown).</summary>
internal sealed record LayerReading(string Name, string Kind, long[]? In, long[]? Out, double Parameters, double ForwardFlops,
    double BackwardFlops, string Source);

/// <summary>The result of reading a [SplitModel] class: layers and every issue. Shared by the generator (which
/// emits only when there is no issue) and the analyzer (which reports the issues).</summary>
internal sealed record ModelReading(string Name, long[]? InputShape, IReadOnlyList<LayerReading> Layers, IReadOnlyList<ModelIssue> Issues, bool Complete);

/// <summary>
/// Reads a [SplitModel] class: its declared input shape and, in order, every [Layer] member's initializer
/// (a static TorchSharp.torch.nn factory call with constant arguments) or [LayerCost]. Never throws
/// (except on cancellation). Symbols and syntax stay in here; callers keep only numbers and strings.
/// </summary>
internal static class ModelReader
{
    public const string SplitModelAttribute = "HopSplit.SplitModelAttribute";
    public const string LayerAttribute = "HopSplit.LayerAttribute";
    public const string LayerCostAttribute = "HopSplit.LayerCostAttribute";

    /// <param name="semanticModel">The semantic model of a tree, or null when it is not available (the
    /// layers declared there are then skipped silently and the reading is incomplete).</param>
    public static ModelReading Read(INamedTypeSymbol type, Func<SyntaxTree, SemanticModel?> semanticModel, CancellationToken ct)
    {
        var issues = new List<ModelIssue>();
        var complete = true;
        var attribute = type.GetAttributes().FirstOrDefault(a => a.Is(SplitModelAttribute));
        var name = type.Name;
        long[]? input = null;
        if (attribute is not null)
        {
            input = ReadInputShape(type, attribute, issues);
            if (attribute.Named("Name") is { } n)
            {
                if (n.Value is string s && s.Length > 0) name = s;
                else issues.Add(new(DiagnosticDescriptors.InvalidModelValue, attribute.NamedLocation("Name"), new object[] { type.Name, "Name must be a non-empty string" }));
            }
        }

        foreach (var syntax in type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>())
        {
            if (!syntax.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)))
            {
                issues.Add(new(DiagnosticDescriptors.ModelNotPartial, syntax.Identifier.GetLocation(), new object[] { type.Name }));
                break;
            }
        }

        var members = type.GetMembers()
            .Select((m, i) => (Member: m, Index: i, Layer: m.GetAttributes().FirstOrDefault(a => a.Is(LayerAttribute))))
            .Where(x => x.Layer is not null && x.Member is IFieldSymbol or IPropertySymbol)
            .OrderBy(x => x.Layer!.Named("Order")?.Value is int o ? o : 0)
            .ThenBy(x => x.Index)
            .Select(x => x.Member)
            .ToList();

        var layers = new List<LayerReading>();
        var shape = input;
        foreach (var member in members)
        {
            ct.ThrowIfCancellationRequested();
            var layer = ReadLayer(member, shape, semanticModel, issues, ct);
            if (layer is null) { complete = false; shape = null; continue; }
            layers.Add(layer);
            shape = layer.Out;
            if (shape is null) complete = false;
        }
        if (input is null || members.Count == 0) complete = false;
        return new ModelReading(name, input, layers, issues, complete && issues.Count == 0);
    }

    private static long[]? ReadInputShape(INamedTypeSymbol type, AttributeData attribute, List<ModelIssue> issues)
    {
        var location = attribute.Syntax()?.GetLocation();
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            return null; // a compile error already
        var values = attribute.ConstructorArguments[0].IsNull ? default : attribute.ConstructorArguments[0].Values;
        if (values.IsDefaultOrEmpty)
        {
            issues.Add(new(DiagnosticDescriptors.InvalidModelValue, location, new object[] { type.Name, "the input shape needs at least one dimension" }));
            return null;
        }
        var dims = values.Select(v => v.Value is int i ? i : 0L).ToArray();
        if (dims.Any(d => d <= 0))
        {
            issues.Add(new(DiagnosticDescriptors.InvalidModelValue, location, new object[] { type.Name, $"every input dimension must be positive, but the shape is {LayerMath.Shape(dims)}" }));
            return null;
        }
        return dims;
    }

    private static LayerReading? ReadLayer(ISymbol member, long[]? input, Func<SyntaxTree, SemanticModel?> semanticModel, List<ModelIssue> issues, CancellationToken ct)
    {
        var declared = member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
        var cost = member.GetAttributes().FirstOrDefault(a => a.Is(LayerCostAttribute));
        if (cost is not null) return ReadLayerCost(member, declared, cost, input, issues);

        var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct);
        var initializer = syntax switch
        {
            VariableDeclaratorSyntax v => v.Initializer?.Value,
            PropertyDeclarationSyntax p => p.Initializer?.Value,
            _ => null,
        };
        var where = initializer?.GetLocation() ?? member.Locations.FirstOrDefault();
        if (initializer is null)
        {
            issues.Add(Unprofiled(member, where, "it has no initializer to analyse"));
            return null;
        }
        var model = semanticModel(initializer.SyntaxTree);
        if (model is null) return null;

        var operation = model.GetOperation(initializer, ct);
        while (operation is IConversionOperation { IsImplicit: true } conversion) operation = conversion.Operand;
        if (operation is not IInvocationOperation invocation || !IsTorchNn(invocation.TargetMethod))
        {
            issues.Add(Unprofiled(member, where, "its initializer is not a call of a TorchSharp.torch.nn factory"));
            return null;
        }

        var kind = invocation.TargetMethod.Name;
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        var argumentSyntax = new Dictionary<string, Location>(StringComparer.Ordinal);
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null) continue;
            args[argument.Parameter.Name] = Fold(argument.Value);
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && !argument.IsImplicit)
                argumentSyntax[argument.Parameter.Name] = argument.Syntax.GetLocation();
        }

        try
        {
            var result = LayerMath.Analyse(kind, args, input);
            if (result is null) return new LayerReading(member.Name, kind, input, null, 0, 0, 0, "Analysis");
            return new LayerReading(member.Name, kind, input, result.OutputShape, result.Parameters, result.ForwardFlops, 2 * result.ForwardFlops, "Analysis");
        }
        catch (LayerProblem problem)
        {
            var location = problem.Parameter is { } p && argumentSyntax.TryGetValue(p, out var l) ? l : invocation.Syntax.GetLocation();
            issues.Add(problem.Kind switch
            {
                LayerProblemKind.Mismatch => new ModelIssue(DiagnosticDescriptors.ShapeMismatch, location, new object[] { member.Name, problem.Message }),
                LayerProblemKind.Invalid => new ModelIssue(DiagnosticDescriptors.InvalidModelValue, location, new object[] { member.ContainingType.Name, $"layer '{member.Name}': {problem.Message}" }),
                _ => Unprofiled(member, where, problem.Message),
            });
            return null;
        }
        catch (OverflowException)
        {
            issues.Add(Unprofiled(member, where, "its sizes overflow"));
            return null;
        }
    }

    private static LayerReading? ReadLayerCost(ISymbol member, ITypeSymbol? declared, AttributeData cost, long[]? input, List<ModelIssue> issues)
    {
        var ok = true;
        double Number(string name)
        {
            var constant = cost.Named(name);
            if (constant is null) return 0;
            double value = constant.Value.Value switch { double d => d, float f => f, int i => i, long l => l, _ => double.NaN };
            if (value >= 0 && !double.IsInfinity(value)) return value;
            ok = false;
            issues.Add(new(DiagnosticDescriptors.InvalidModelValue, cost.NamedLocation(name), new object[] { member.ContainingType.Name, $"[LayerCost] {name} of layer '{member.Name}' must be a finite number >= 0, but is {value.ToString("R", CultureInfo.InvariantCulture)}" }));
            return 0;
        }
        var forward = Number("ForwardFlops");
        var backward = Number("BackwardFlops");
        var parameters = Number("Parameters");
        long[]? output = null;
        var shape = cost.Named("OutputShape");
        if (shape is null || shape.Value.IsNull || shape.Value.Kind != TypedConstantKind.Array || shape.Value.Values.IsEmpty
            || shape.Value.Values.Any(v => v.Value is not int i || i <= 0))
        {
            ok = false;
            var actual = shape is null ? "missing" : shape.Value.IsNull || shape.Value.Kind != TypedConstantKind.Array ? "null"
                : LayerMath.Shape(shape.Value.Values.Select(v => v.Value is int i ? i : 0L));
            issues.Add(new(DiagnosticDescriptors.InvalidModelValue, cost.NamedLocation("OutputShape"), new object[] { member.ContainingType.Name, $"[LayerCost] OutputShape of layer '{member.Name}' must have at least one dimension, all positive, but is {actual}" }));
        }
        else
        {
            output = shape.Value.Values.Select(v => (long)(int)v.Value!).ToArray();
        }
        if (!ok) return null;
        var kind = declared?.Name is { Length: > 0 } typeName ? typeName : "Custom";
        return new LayerReading(member.Name, kind, input, output, parameters, forward, backward == 0 ? 2 * forward : backward, "Attribute");
    }

    /// <summary>A folded argument value (see <see cref="Folded"/>).</summary>
    private static object? Fold(IOperation? operation)
    {
        while (true)
        {
            if (operation is null) return Folded.NotConstant;
            if (operation is IFieldReferenceOperation { Field: { ContainingType.TypeKind: TypeKind.Enum } field }) return field.Name;
            if (operation.ConstantValue.HasValue)
            {
                return operation.ConstantValue.Value switch
                {
                    null => Folded.Null,
                    bool b => b,
                    int or long or short or byte or sbyte or ushort or uint => Convert.ToInt64(operation.ConstantValue.Value, CultureInfo.InvariantCulture),
                    double or float or decimal => Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture),
                    _ => Folded.NotConstant,
                };
            }
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IDefaultValueOperation:
                    return Folded.Null;
                case ITupleOperation tuple:
                    return Longs(tuple.Elements);
                case IArrayCreationOperation { Initializer: { } init }:
                    return Longs(init.ElementValues);
                default:
                    return Folded.NotConstant;
            }
        }
    }

    private static object? Longs(IEnumerable<IOperation> elements)
    {
        var values = new List<long>();
        foreach (var element in elements)
        {
            if (Fold(element) is long l) values.Add(l);
            else return Folded.NotConstant;
        }
        return values.ToArray();
    }

    private static bool IsTorchNn(IMethodSymbol method) =>
        method.IsStatic
        && method.ContainingType is { Name: "nn", ContainingType: { Name: "torch", ContainingType: null } torch }
        && torch.ContainingNamespace is { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true };

    private static ModelIssue Unprofiled(ISymbol member, Location? location, string reason) =>
        new(DiagnosticDescriptors.UnprofiledLayer, location, new object[] { member.Name, member.ContainingType.Name, reason });
}
