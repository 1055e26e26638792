using System.Reflection;
using HopSplit.Planning.Model;
using static TorchSharp.torch;

namespace HopSplit.Tooling;

/// <summary>Finds a [SplitModel] class in a compiled application and what a tool needs of it.</summary>
public static class ModelTypes
{
    /// <summary>The [SplitModel] class named <paramref name="name"/> (simple or full name), or the only one when null.</summary>
    /// <param name="assembly">The application.</param>
    /// <param name="name">The class's simple or full name, or null.</param>
    /// <param name="problem">Why nothing was found, naming the classes there are.</param>
    public static Type? Find(Assembly assembly, string? name, out string problem)
    {
        var models = LoadableTypes(assembly).Where(t => t.GetCustomAttribute<SplitModelAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();
        var list = models.Length == 0 ? "none" : string.Join(", ", models.Select(t => t.FullName));
        problem = "";
        if (name is null)
        {
            if (models.Length == 1) return models[0];
            problem = $"{assembly.GetName().Name} has {models.Length} [SplitModel] classes ({list}); name one with --model";
            return null;
        }
        var match = models.FirstOrDefault(t => t.FullName == name) ?? models.FirstOrDefault(t => t.Name == name);
        if (match is null) problem = $"{assembly.GetName().Name} has no [SplitModel] class named '{name}' (it has: {list})";
        return match;
    }

    /// <summary>Every type of <paramref name="assembly"/> that loads (a type whose dependency is missing is left out).</summary>
    public static IReadOnlyList<Type> LoadableTypes(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null).ToArray()!;
        }
    }

    // torch's global generator gives the initial weights; two models created at once must not interleave their draws.
    private static readonly object SeedGate = new();

    /// <summary>
    /// A new instance of the model class <paramref name="type"/> (public parameterless constructor) with the initial
    /// weights of <paramref name="seed"/>: the same in every process, so workers and coordinator agree.
    /// </summary>
    public static ISplitModel CreateSeeded(Type type, long seed)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (SeedGate)
        {
            TorchSharp.torch.random.manual_seed(seed);
            return (ISplitModel)Activator.CreateInstance(type)!;
        }
    }

    /// <summary>The declared per-sample input shape and the generated cost table.</summary>
    public sealed record ModelDescription(IReadOnlyList<int> InputShape, ModelCosts Costs);

    /// <summary>The model's input shape and generated costs, or null with the reason when a tool cannot run it.</summary>
    public static ModelDescription? Describe(Type type, out string problem)
    {
        problem = "";
        if (!typeof(ISplitModel).IsAssignableFrom(type) || !typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
        {
            problem = $"{type.FullName} is not a runnable split model: the generator makes a [SplitModel] class an ISplitModel when every [Layer] is a Module<Tensor, Tensor> (see the build's HS diagnostics)";
            return null;
        }
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            problem = $"{type.FullName} has no public parameterless constructor, so a tool cannot create it; add one, or profile from code with LayerProfiler.Profile";
            return null;
        }
        if (GeneratedCosts(type, out problem) is not { } costs) return null;
        return new ModelDescription(type.GetCustomAttribute<SplitModelAttribute>()!.InputShape, costs);
    }

    /// <summary>The model's generated <c>Costs</c>, or null with the reason (reading it runs no TorchSharp code).</summary>
    public static ModelCosts? GeneratedCosts(Type type, out string problem)
    {
        problem = "";
        if (type.GetProperty("Costs", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is ModelCosts costs) return costs;
        problem = $"{type.FullName} has no generated Costs: the generator could not cost every layer (see the build's HS0001 diagnostics)";
        return null;
    }
}
