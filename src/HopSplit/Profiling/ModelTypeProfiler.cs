using System.Globalization;
using System.Reflection;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Profiling;

/// <summary>
/// Profiles a [SplitModel] class found in a compiled application, for tools such as <c>hopsplit profile</c>:
/// it creates the model with its parameterless constructor, takes its generated <c>Costs</c>, feeds random
/// samples of the declared input shape and writes the profile file.
/// </summary>
/// <remarks>
/// A tool loads the application (and this assembly from the application's folder, next to its libtorch)
/// in a load context of its own and calls <see cref="Run"/> by reflection: only framework types cross.
/// </remarks>
public static class ModelTypeProfiler
{
    /// <summary>Exit code: the profile was written.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the model could not be found or created; the message says why and how to fix it.</summary>
    public const int InvalidInput = 1;

    /// <summary>Profiles the model named <paramref name="model"/> in <paramref name="assembly"/> and writes the file.</summary>
    /// <param name="assembly">The application holding the model.</param>
    /// <param name="model">The class's simple or full name; null when the assembly has exactly one [SplitModel].</param>
    /// <param name="batchSize">Samples per measured pass.</param>
    /// <param name="outputPath">The file to write; null for <c>Model.hsprofile.json</c> in the current folder.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <returns><see cref="Success"/> or <see cref="InvalidInput"/>.</returns>
    public static int Run(Assembly assembly, string? model, int batchSize, string? outputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (batchSize < 1)
        {
            error.WriteLine($"error: the batch size must be at least 1, not {batchSize}");
            return InvalidInput;
        }
        if (FindModel(assembly, model, out var problem) is not { } type)
        {
            error.WriteLine("error: " + problem);
            return InvalidInput;
        }
        if (Describe(type, out problem) is not { } description)
        {
            error.WriteLine("error: " + problem);
            return InvalidInput;
        }
        GlibcHeap.KeepLargeBlocks();
        torch.set_num_threads(1);
        using var scope = NewDisposeScope();
        using var instance = (nn.Module)Activator.CreateInstance(type)!;
        var batch = rand([batchSize, .. description.InputShape.Select(d => (long)d)]);
        var profile = LayerProfiler.Profile((ISplitModel)instance, description.Costs, batch);
        var path = outputPath ?? Path.GetFullPath(profile.FileName);
        profile.Write(path);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{type.FullName}: {profile.Layers.Count} layers measured on batches of {batchSize}; this machine runs a dense matrix product at {profile.MachineFlopsPerSecond / 1e9:F1} GFLOP/s ({profile.MachineDescription})."));
        output.WriteLine($"{"layer",-16} {"forward/sample",15} {"backward/sample",16} {"output",9} {"parameters",11}");
        foreach (var layer in profile.Layers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{layer.Name,-16} {layer.ForwardSeconds * 1e6,12:F2} us {layer.BackwardSeconds * 1e6,13:F2} us {layer.OutputElements,9} {layer.Parameters,11}"));
        }
        output.WriteLine($"Wrote {path}. Add it to the project as <AdditionalFiles Include=\"{Path.GetFileName(path)}\" /> and the generator uses the measured numbers.");
        return Success;
    }

    private static Type? FindModel(Assembly assembly, string? name, out string problem)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        var models = types.Where(t => t.GetCustomAttribute<SplitModelAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();
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

    private sealed record ModelDescription(IReadOnlyList<int> InputShape, ModelCosts Costs);

    private static ModelDescription? Describe(Type type, out string problem)
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
        var costs = type.GetProperty("Costs", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ModelCosts;
        if (costs is null)
        {
            problem = $"{type.FullName} has no generated Costs: the generator could not cost every layer (see the build's HS0001 diagnostics)";
            return null;
        }
        return new ModelDescription(type.GetCustomAttribute<SplitModelAttribute>()!.InputShape, costs);
    }
}
