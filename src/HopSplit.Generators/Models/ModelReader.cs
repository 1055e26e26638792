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
/// <param name="Properties">Extra diagnostic properties for a code fix (HS0010: <see cref="ConstructorCosts"/>).</param>
internal sealed record ModelIssue(DiagnosticDescriptor Descriptor, Location? Location, object[] Args,
    System.Collections.Immutable.ImmutableDictionary<string, string?>? Properties = null);

/// <summary>One layer as read: costs when known (Out is null when the layer or its input is unknown).</summary>
/// <param name="Source">"Analysis" or "Attribute"; "None" when the layer could not be read (an issue says why, or
/// its tree had no semantic model).</param>
/// <param name="Location">The layer's initializer (or the member when it has none), for diagnostics.</param>
/// <param name="ParametersStated">Parameters is a count the model states, so a profile row can be checked against it:
/// analysed, or the [LayerCost] attribute's Parameters when it is given (at <paramref name="ParametersLocation"/>).</param>
internal sealed record LayerReading(string Name, string Kind, long[]? In, long[]? Out, double Parameters, double ForwardFlops,
    double BackwardFlops, string Source, Location? Location = null, bool ParametersStated = false, Location? ParametersLocation = null);

/// <summary>The result of reading a [SplitModel] class: every layer (in chain order) and every issue. Shared by the generator (which
/// emits only when there is no issue) and the analyzer (which reports the issues).</summary>
internal sealed record ModelReading(string Name, long[]? InputShape, IReadOnlyList<LayerReading> Layers, IReadOnlyList<ModelIssue> Issues, bool Complete);

/// <summary>
/// Reads a [SplitModel] class: its declared input shape and, in order, every [Layer] member's initializer
/// (a static TorchSharp.torch.nn factory call with constant arguments) or [LayerCost]. Never throws
/// (except on cancellation). Symbols and syntax stay in here; callers keep only numbers and strings.
/// </summary>
internal static partial class ModelReader
{
    public const string SplitModelAttribute = "HopSplit.SplitModelAttribute";
    public const string LayerAttribute = "HopSplit.LayerAttribute";
    public const string LayerCostAttribute = "HopSplit.LayerCostAttribute";
    public const string LayerBlockAttribute = "HopSplit.LayerBlockAttribute";

    /// <param name="semanticModel">The semantic model of a tree, or null when it is not available (the
    /// layers declared there are then skipped silently and the reading is incomplete).</param>
    /// <param name="shareIdenticalInitializers">Bind an initializer only once when several layers of the model
    /// have the same text in the same file (same kind of member, same static-ness: they bind alike), and analyse
    /// the others with that binding. Issues then point at the first of them, so only the generator (which reports
    /// nothing) uses it; the analyzer does not.</param>
    /// <param name="readSyntactically">Read plain <c>nn.Factory(constants)</c> initializers without binding them
    /// (<see cref="SyntacticFactoryReader"/>); off only in the tests that compare both ways.</param>
    /// <param name="readAttributesSyntactically">Read [Layer] and [LayerCost] from the members' syntax when it is
    /// unambiguous (<see cref="SyntacticAttributeReader"/>); off only in the tests that compare both ways.</param>
    public static ModelReading Read(INamedTypeSymbol type, Func<SyntaxTree, SemanticModel?> semanticModel, CancellationToken ct,
        bool shareIdenticalInitializers = false, bool readSyntactically = true, bool readAttributesSyntactically = true)
    {
        var marks = new LayerMarksReader(readAttributesSyntactically ? new SyntacticAttributeReader(semanticModel, ct) : null);
        var shared = shareIdenticalInitializers ? new Dictionary<(SyntaxTree, bool, bool, string), IOperation?>() : null;
        var readers = readSyntactically ? new Dictionary<SyntaxTree, SyntacticFactoryReader>() : null;
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

        var members = LayerMembers(type, marks);

        var layers = new List<LayerReading>();
        var shape = input;
        ModelConstructors? constructors = null; // read only when a layer has no initializer
        ModelConstructors Constructors() => constructors ??= ReadConstructors(type, semanticModel, ct);
        foreach (var member in members)
        {
            ct.ThrowIfCancellationRequested();
            var layer = ReadLayer(member, marks, shape, semanticModel, Constructors, shared, readers, issues, ct);
            if (layer is null)
            {
                complete = false;
                layer = new LayerReading(member.Name, DeclaredKind(member), shape, null, 0, 0, 0, "None", Where(member, ct));
            }
            layers.Add(layer);
            shape = layer.Out;
            if (shape is null) complete = false;
        }
        if (input is null || members.Count == 0) complete = false;
        return new ModelReading(name, input, layers, issues, complete && issues.Count == 0);
    }

    /// <summary>The full metadata name of a type: Namespace.Outer+Inner (what a profile's "model" may say).</summary>
    public static string MetadataName(INamedTypeSymbol type) => Networks.Parser.FullName(type);

    /// <summary>The declared type's name of a layer member ("Custom" when it has none).</summary>
    private static string DeclaredKind(ISymbol member) =>
        (member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null })?.Name is { Length: > 0 } name ? name : "Custom";

    /// <summary>Where a layer is reported: its initializer, or the member's name when it has none.</summary>
    private static Location? Where(ISymbol member, CancellationToken ct)
    {
        var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct);
        var initializer = syntax switch
        {
            VariableDeclaratorSyntax v => v.Initializer?.Value,
            PropertyDeclarationSyntax p => p.Initializer?.Value,
            _ => null,
        };
        return initializer?.GetLocation() ?? member.Locations.FirstOrDefault();
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

    private static LayerReading? ReadLayer(ISymbol member, LayerMarksReader marks, long[]? input, Func<SyntaxTree, SemanticModel?> semanticModel,
        Func<ModelConstructors> constructors, Dictionary<(SyntaxTree, bool, bool, string), IOperation?>? shared,
        Dictionary<SyntaxTree, SyntacticFactoryReader>? readers, List<ModelIssue> issues, CancellationToken ct)
    {
        // Bound only when [LayerCost] is there (or its reading was unsure and bound them already).
        if (marks.Read(member).HasCost && member.GetAttributes().FirstOrDefault(a => a.Is(LayerCostAttribute)) is { } cost)
        {
            var declared = member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
            return ReadLayerCost(member, declared, cost, input, issues, ct);
        }

        var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct);
        var initializer = syntax switch
        {
            VariableDeclaratorSyntax v => v.Initializer?.Value,
            PropertyDeclarationSyntax p => p.Initializer?.Value,
            _ => null,
        };
        var where = initializer?.GetLocation() ?? member.Locations.FirstOrDefault();
        IOperation? operation = null;
        FactoryCall? call = null;
        if (initializer is not null && readers is not null)
        {
            var model = semanticModel(initializer.SyntaxTree);
            if (model is null) return null;
            if (!readers.TryGetValue(initializer.SyntaxTree, out var reader)) readers[initializer.SyntaxTree] = reader = new SyntacticFactoryReader(model);
            call = reader.TryRead(initializer);
        }
        if (call is not null)
        {
            // Read without binding: nothing more to do here.
        }
        else if (initializer is null)
        {
            // Not initialized where declared: the model's constructors may assign it.
            return ReadAssignedLayer(member, input, constructors(), semanticModel, marks, issues, ct);
        }
        else
        {
            var model = semanticModel(initializer.SyntaxTree);
            if (model is null) return null;
            if (shared is null)
            {
                operation = model.GetOperation(initializer, ct);
            }
            else
            {
                var key = (initializer.SyntaxTree, member.IsStatic, member is IPropertySymbol, initializer.ToString());
                if (!shared.TryGetValue(key, out operation)) shared[key] = operation = model.GetOperation(initializer, ct);
            }
        }
        var context = new BlockContext(semanticModel, marks, ct);
        var result = Analyse(member, where, issues, () => call is not null ? AnalyseCall(call, input) : AnalyseModule(operation, input, Env.Empty, context, 0, where));
        return result is null ? null : Reading(member, input, result, where);
    }

    private static LayerReading Reading(ISymbol member, long[]? input, Analysed result, Location? where) =>
        new(member.Name, result.Kind, input, result.Out, result.Parameters, result.Flops, 2 * result.Flops, "Analysis", where,
            ParametersStated: result.Out is not null);

    /// <summary>Runs one layer's analysis; a problem becomes the issue it is (HS0001, HS0002 or HS0004) and null.
    /// Null also for a null module (HS0001) and a tree without a semantic model (no issue).</summary>
    private static Analysed? Analyse(ISymbol member, Location? where, List<ModelIssue> issues, Func<Analysed?> analyse)
    {
        try
        {
            var result = analyse();
            if (result is null) issues.Add(Unprofiled(member, where, "its initializer is null"));
            return result;
        }
        catch (LocatedProblem located)
        {
            var problem = located.Problem;
            issues.Add(problem.Kind switch
            {
                LayerProblemKind.Mismatch => new ModelIssue(DiagnosticDescriptors.ShapeMismatch, located.Location, new object[] { member.Name, problem.Message }),
                LayerProblemKind.Invalid => new ModelIssue(DiagnosticDescriptors.InvalidModelValue, located.Location, new object[] { member.ContainingType.Name, $"layer '{member.Name}': {problem.Message}" }),
                _ => Unprofiled(member, located.Location ?? where, problem.Message),
            });
            return null;
        }
        catch (SkipReading)
        {
            return null;
        }
        catch (OverflowException)
        {
            issues.Add(Unprofiled(member, where, "its sizes overflow"));
            return null;
        }
    }

    /// <summary>The [Layer] members of a model or block, in chain order: (Order, declaration order).</summary>
    public static List<ISymbol> LayerMembers(INamedTypeSymbol type) => LayerMembers(type, new LayerMarksReader(null));

    private static List<ISymbol> LayerMembers(INamedTypeSymbol type, LayerMarksReader marks) =>
        type.GetMembers()
            .Where(m => m is IFieldSymbol or IPropertySymbol)
            .Select((m, i) => (Member: m, Index: i, Marks: marks.Read(m)))
            .Where(x => x.Marks.IsLayer)
            .OrderBy(x => x.Marks.Order)
            .ThenBy(x => x.Index)
            .Select(x => x.Member)
            .ToList();

    /// <summary>Each member's <see cref="LayerMarks"/>, read once: from syntax when a reader is given and sure, else bound.</summary>
    private sealed class LayerMarksReader(SyntacticAttributeReader? syntactic)
    {
        private readonly Dictionary<ISymbol, LayerMarks> read = new(SymbolEqualityComparer.Default);

        public LayerMarks Read(ISymbol member)
        {
            if (read.TryGetValue(member, out var marks)) return marks;
            return read[member] = syntactic?.Read(member) ?? SyntacticAttributeReader.FromAttributes(member);
        }
    }

    /// <summary>A module expression's costs: Out is null when the input shape is unknown.</summary>
    private sealed record Analysed(string Kind, long[]? Out, double Parameters, double Flops);

    /// <summary>A problem inside a (possibly nested) module expression, with the place to report it.</summary>
    private sealed class LocatedProblem(LayerProblem problem, Location? location) : Exception(problem.Message)
    {
        public LayerProblem Problem { get; } = problem;
        public Location? Location { get; } = location;
    }

    /// <summary>A tree without a semantic model: the reading is incomplete, silently.</summary>
    private sealed class SkipReading : Exception { }

    private sealed record BlockContext(Func<SyntaxTree, SemanticModel?> SemanticModel, LayerMarksReader Marks, CancellationToken Ct);

    /// <summary>Values of a [LayerBlock] constructor's parameters (folded from the outer <c>new</c>), and where each was
    /// written: a problem with a value that only passes through the block is the outer argument's.</summary>
    private sealed class Env
    {
        public static readonly Env Empty = new(new Dictionary<IParameterSymbol, object?>(SymbolEqualityComparer.Default));
        private readonly Dictionary<IParameterSymbol, object?> values;
        private readonly Dictionary<IParameterSymbol, Location> origins;

        public Env(Dictionary<IParameterSymbol, object?> values, Dictionary<IParameterSymbol, Location>? origins = null)
        {
            this.values = values;
            this.origins = origins ?? new Dictionary<IParameterSymbol, Location>(SymbolEqualityComparer.Default);
        }

        public object? Get(IParameterSymbol parameter) =>
            values.TryGetValue(parameter.OriginalDefinition, out var v) ? v : values.TryGetValue(parameter, out v) ? v : Folded.NotConstant;

        /// <summary>The outer argument a parameter's value was written as, or null (a default value, or the model's own
        /// constructor parameters, which have no value).</summary>
        public Location? Origin(IParameterSymbol parameter) =>
            origins.TryGetValue(parameter.OriginalDefinition, out var l) ? l : origins.TryGetValue(parameter, out l) ? l : null;

        /// <summary>Binds a called constructor's parameters to <paramref name="arguments"/> folded here: a value, and where it
        /// was written (an argument that is itself a parameter passed on keeps the place its value came from).</summary>
        public Env Call(IEnumerable<IArgumentOperation> arguments)
        {
            var called = new Dictionary<IParameterSymbol, object?>(SymbolEqualityComparer.Default);
            var written = new Dictionary<IParameterSymbol, Location>(SymbolEqualityComparer.Default);
            foreach (var argument in arguments)
            {
                if (argument.Parameter is null) continue;
                called[argument.Parameter.OriginalDefinition] = Fold(argument.Value, this);
                if (WrittenAt(argument, this) is { } location) written[argument.Parameter.OriginalDefinition] = location;
            }
            return new Env(called, written);
        }
    }

    /// <summary>Where an explicit argument is written, or, when it only passes on a block constructor parameter, where that
    /// parameter's value was written; null for an argument the compiler supplies (a default value).</summary>
    private static Location? WrittenAt(IArgumentOperation argument, Env env)
    {
        if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.IsImplicit) return null;
        return Unwrap(argument.Value) is IParameterReferenceOperation { Parameter: { } parameter } && env.Origin(parameter) is { } origin
            ? origin
            : argument.Syntax.GetLocation();
    }

    private const int MaxDepth = 16;

    private static LocatedProblem Unsupported(string message, IOperation? at, Location? fallback) =>
        new(new LayerProblem(LayerProblemKind.Unsupported, message), at?.Syntax.GetLocation() ?? fallback);

    /// <summary>
    /// Costs of a module expression: an nn factory call, an <c>nn.Sequential</c> of module expressions, a
    /// <c>new</c> of a [LayerBlock] class, or a constant-condition <c>?:</c> of them. Null for a null module.
    /// </summary>
    private static Analysed? AnalyseModule(IOperation? operation, long[]? input, Env env, BlockContext context, int depth, Location? where)
    {
        context.Ct.ThrowIfCancellationRequested();
        operation = Unwrap(operation);
        if (depth > MaxDepth) throw Unsupported($"modules nest more than {MaxDepth} deep", operation, where);
        switch (operation)
        {
            case IConditionalOperation conditional:
                if (Fold(conditional.Condition, env) is not bool condition)
                    throw Unsupported("the condition choosing the module is not a compile-time constant", conditional.Condition, where);
                return AnalyseModule(condition ? conditional.WhenTrue : conditional.WhenFalse, input, env, context, depth + 1, where);
            case { ConstantValue: { HasValue: true, Value: null } }:
            case IDefaultValueOperation:
                return null;
            case IInvocationOperation invocation when IsTorchNn(invocation.TargetMethod):
                return invocation.TargetMethod.Name == "Sequential"
                    ? AnalyseSequential(invocation, input, env, context, depth, where)
                    : AnalyseFactory(invocation, input, env);
            case IObjectCreationOperation { Constructor: { } constructor } creation
                when constructor.ContainingType.GetAttributes().Any(a => a.Is(LayerBlockAttribute)):
                return AnalyseBlock(creation, constructor, input, env, context, depth, where);
            default:
                throw Unsupported("its initializer is not a call of a TorchSharp.torch.nn factory (or nn.Sequential of them) or a new [LayerBlock] class", depth == 0 ? null : operation, where);
        }
    }

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }

    private static Analysed? AnalyseFactory(IInvocationOperation invocation, long[]? input, Env env)
    {
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        var argumentSyntax = new Dictionary<string, Location>(StringComparer.Ordinal);
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null) continue;
            args[argument.Parameter.Name] = Fold(argument.Value, env);
            if (WrittenAt(argument, env) is { } location) argumentSyntax[argument.Parameter.Name] = location;
        }
        return AnalyseArguments(invocation.TargetMethod.Name, args, argumentSyntax, invocation.Syntax.GetLocation(), input);
    }

    /// <summary>A factory call read by <see cref="SyntacticFactoryReader"/> (an nn.Sequential: its children in order).</summary>
    private static Analysed AnalyseCall(FactoryCall call, long[]? input)
    {
        if (call.Children is null) return AnalyseArguments(call.Kind, call.Arguments, call.ArgumentLocations, call.Location, input);
        var shape = input;
        double parameters = 0, flops = 0;
        foreach (var child in call.Children)
        {
            var analysed = AnalyseCall(child, shape);
            shape = analysed.Out;
            parameters += analysed.Parameters;
            flops += analysed.Flops;
        }
        return new Analysed("Sequential", shape, parameters, flops);
    }

    /// <summary>The costs of factory <paramref name="kind"/> with its folded arguments; a problem is located at the
    /// argument at fault, or at the call.</summary>
    private static Analysed AnalyseArguments(string kind, Dictionary<string, object?> args, Dictionary<string, Location> argumentSyntax,
        Location call, long[]? input)
    {
        try
        {
            var result = LayerMath.Analyse(kind, args, input);
            return result is null ? new Analysed(kind, null, 0, 0) : new Analysed(kind, result.OutputShape, result.Parameters, result.ForwardFlops);
        }
        catch (LayerProblem problem)
        {
            var location = problem.Parameter is { } p && argumentSyntax.TryGetValue(p, out var l) ? l : call;
            throw new LocatedProblem(problem, location);
        }
    }

    /// <summary>nn.Sequential(modules) or nn.Sequential((name, module), ...): the children in order.</summary>
    private static Analysed AnalyseSequential(IInvocationOperation invocation, long[]? input, Env env, BlockContext context, int depth, Location? where)
    {
        var children = new List<IOperation>();
        foreach (var argument in invocation.Arguments)
        {
            var value = Unwrap(argument.Value);
            var elements = value switch
            {
                IArrayCreationOperation { Initializer: { } init } => init.ElementValues,
                ICollectionExpressionOperation collection => collection.Elements,
                _ => (IEnumerable<IOperation>)new[] { value! },
            };
            foreach (var element in elements)
            {
                var child = Unwrap(element);
                if (child is ITupleOperation { Elements.Length: 2 } tuple) child = Unwrap(tuple.Elements[1]);
                if (child is null || child is IArrayCreationOperation or ICollectionExpressionOperation)
                    throw Unsupported("the modules of nn.Sequential must be listed in the call", argument, where);
                children.Add(child);
            }
        }
        if (children.Count == 0) throw Unsupported("an empty nn.Sequential has no layers to analyse", invocation, where);
        var shape = input;
        double parameters = 0, flops = 0;
        foreach (var child in children)
        {
            var analysed = AnalyseModule(child, shape, env, context, depth + 1, where)
                ?? throw Unsupported("a module of nn.Sequential is null", child, where);
            shape = analysed.Out;
            parameters += analysed.Parameters;
            flops += analysed.Flops;
        }
        return new Analysed("Sequential", shape, parameters, flops);
    }

    /// <summary>
    /// <c>new Block(args)</c> of a [LayerBlock] class: its constructor parameters are bound to the folded
    /// arguments, and each [Layer] member is the module its constructor assigns (or its initializer), run in
    /// order from the block input. A residual block adds the shortcut (the Shortcut member, or the input when
    /// that is null) to the main path's output.
    /// </summary>
    private static Analysed AnalyseBlock(IObjectCreationOperation creation, IMethodSymbol constructor, long[]? input, Env env, BlockContext context, int depth, Location? where)
    {
        var block = constructor.ContainingType;
        var inner = env.Call(creation.Arguments);

        // The constructor's assignments after those of the constructors it chains to with this(...), as for a model.
        var assigned = new Dictionary<ISymbol, Assignment>(SymbolEqualityComparer.Default);
        Collect(constructor, inner, assigned, context.SemanticModel, 0, context.Ct, creation);

        var attribute = block.GetAttributes().First(a => a.Is(LayerBlockAttribute));
        var shortcutName = attribute.Named("Shortcut")?.Value as string;
        var residual = attribute.Named("Residual")?.Value is true || shortcutName is not null;
        var members = LayerMembers(block, context.Marks);
        if (shortcutName is not null && !members.Any(m => m.Name == shortcutName))
            throw new LocatedProblem(new LayerProblem(LayerProblemKind.Invalid, $"[LayerBlock] {block.Name}: Shortcut '{shortcutName}' is not one of its [Layer] members"), creation.Syntax.GetLocation());
        if (members.Count(m => m.Name != shortcutName) == 0)
            throw Unsupported($"[LayerBlock] {block.Name} has no [Layer] members", creation, where);

        // The module and the parameter values it is analysed with (those of the constructor that assigns it: a chained
        // one has its own); an initializer sees the constructor the outer new calls (primary constructor parameters).
        (IOperation? Module, Env Env) ModuleOf(ISymbol member)
        {
            if (assigned.TryGetValue(member, out var value)) return (value.Value, value.Env);
            var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.Ct);
            var initializer = syntax switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value,
                _ => null,
            };
            if (initializer is null && member.Name == shortcutName) return (null, inner); // never assigned: the identity
            if (initializer is null)
                throw Unsupported($"[Layer] {member.Name} of [LayerBlock] {block.Name} has no initializer and no assignment in the constructor", creation, where);
            var model = context.SemanticModel(initializer!.SyntaxTree) ?? throw new SkipReading();
            return (model.GetOperation(initializer, context.Ct), inner);
        }

        var shape = input;
        double parameters = 0, flops = 0;
        Analysed? shortcut = null;
        foreach (var member in members)
        {
            if (context.Marks.Read(member).HasCost)
                throw Unsupported($"[LayerCost] on [Layer] {member.Name} of [LayerBlock] {block.Name} is not supported", creation, where);
            if (member.Name == shortcutName)
            {
                shortcut = ModuleOf(member) is { Module: { } module } found ? AnalyseModule(module, input, found.Env, context, depth + 1, where) : null;
                if (shortcut is not null) { parameters += shortcut.Parameters; flops += shortcut.Flops; }
                continue;
            }
            var (memberModule, memberEnv) = ModuleOf(member);
            var analysed = AnalyseModule(memberModule, shape, memberEnv, context, depth + 1, where)
                ?? throw Unsupported($"[Layer] {member.Name} of [LayerBlock] {block.Name} is null (only its Shortcut may be)", creation, where);
            shape = analysed.Out;
            parameters += analysed.Parameters;
            flops += analysed.Flops;
        }
        if (residual && shape is not null && input is not null)
        {
            var skip = shortcut is null ? input : shortcut.Out;
            if (skip is not null && !skip.SequenceEqual(shape))
            {
                throw new LocatedProblem(new LayerProblem(LayerProblemKind.Mismatch,
                    $"[LayerBlock] {block.Name} adds a shortcut of shape {LayerMath.Shape(skip)} to a main path of shape {LayerMath.Shape(shape)}"), creation.Syntax.GetLocation());
            }
            flops += LayerMath.Product(shape, 0, shape.Length);
        }
        return new Analysed(block.Name, shape, parameters, flops);
    }

    /// <summary>Simple assignments <c>member = module;</c> (or <c>this.member = ...</c>) of a constructor, following
    /// <c>if</c>s whose condition folds; each value is analysed later with <paramref name="env"/>.</summary>
    private static void CollectAssignments(IOperation? operation, Env env, Dictionary<ISymbol, Assignment> assigned, IOperation creation, Location? where)
    {
        switch (operation)
        {
            case null:
                return;
            case IBlockOperation block:
                foreach (var statement in block.Operations) CollectAssignments(statement, env, assigned, creation, where);
                return;
            case IExpressionStatementOperation statement:
                CollectAssignments(statement.Operation, env, assigned, creation, where);
                return;
            case ISimpleAssignmentOperation assignment:
                var target = assignment.Target switch
                {
                    IFieldReferenceOperation { Instance: IInstanceReferenceOperation } f => (ISymbol)f.Field,
                    IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } p => p.Property,
                    _ => null,
                };
                if (target is not null) assigned[target] = new Assignment(assignment.Value, env);
                return;
            case IConditionalOperation conditional when conditional.Type is null || conditional.Type.SpecialType == SpecialType.System_Void:
                if (Fold(conditional.Condition, env) is not bool condition)
                    throw Unsupported("an if in the constructor has a condition that is not a compile-time constant",
                        creation is IConstructorBodyOperation ? conditional.Condition : creation, where); // the model's own constructor: at the condition
                CollectAssignments(condition ? conditional.WhenTrue : conditional.WhenFalse, env, assigned, creation, where);
                return;
            default:
                return; // other statements (RegisterComponents(), ...) do not assign layers
        }
    }

    private static LayerReading? ReadLayerCost(ISymbol member, ITypeSymbol? declared, AttributeData cost, long[]? input, List<ModelIssue> issues, CancellationToken ct)
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
        return new LayerReading(member.Name, kind, input, output, parameters, forward, backward == 0 ? 2 * forward : backward, "Attribute", Where(member, ct),
            ParametersStated: cost.Named("Parameters") is not null, ParametersLocation: cost.NamedLocation("Parameters"));
    }

    /// <summary>A folded argument value (see <see cref="Folded"/>); block constructor parameters come from
    /// <paramref name="env"/>, and integer/bool arithmetic and comparisons of folded values fold too.</summary>
    private static object? Fold(IOperation? operation, Env env)
    {
        while (true)
        {
            if (operation is null) return Folded.NotConstant;
            if (operation is IFieldReferenceOperation { Field: { ContainingType.TypeKind: TypeKind.Enum } field }) return field.Name;
            if (operation.ConstantValue.HasValue) return ConstantFolding.Value(operation.ConstantValue.Value);
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParameterReferenceOperation parameter:
                    return env.Get(parameter.Parameter);
                case IDefaultValueOperation:
                    return Folded.Null;
                case ITupleOperation tuple:
                    return Longs(tuple.Elements, env);
                case IArrayCreationOperation { Initializer: { } init }:
                    return Longs(init.ElementValues, env);
                case IConditionalOperation conditional:
                    if (Fold(conditional.Condition, env) is not bool condition) return Folded.NotConstant;
                    operation = condition ? conditional.WhenTrue : conditional.WhenFalse;
                    continue;
                case IUnaryOperation unary:
                    return ConstantFolding.Unary(unary.OperatorKind, Fold(unary.Operand, env));
                case IBinaryOperation binary:
                    return ConstantFolding.Binary(binary.OperatorKind, Fold(binary.LeftOperand, env), Fold(binary.RightOperand, env));
                default:
                    return Folded.NotConstant;
            }
        }
    }

    private static object? Longs(IEnumerable<IOperation> elements, Env env)
    {
        var values = new List<long>();
        foreach (var element in elements)
        {
            if (Fold(element, env) is long l) values.Add(l);
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
