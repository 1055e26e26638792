using System.Globalization;
using System.Reflection;
using HopSplit.Profiling;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Tooling;

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
    /// <summary>Profiles the model named <paramref name="model"/> in <paramref name="assembly"/> and writes the file.</summary>
    /// <param name="assembly">The application holding the model.</param>
    /// <param name="model">The class's simple or full name; null when the assembly has exactly one [SplitModel].</param>
    /// <param name="batchSize">Samples per measured pass.</param>
    /// <param name="outputPath">The file to write; null for <c>Model.hsprofile.json</c> in the current folder.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <returns><see cref="ToolExitCodes.Success"/> or <see cref="ToolExitCodes.InvalidInput"/>.</returns>
    public static int Run(Assembly assembly, string? model, int batchSize, string? outputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (batchSize < 1)
        {
            error.WriteLine($"error: the batch size must be at least 1, not {batchSize}");
            return ToolExitCodes.InvalidInput;
        }
        if (ModelTypes.Find(assembly, model, out var problem) is not { } type)
        {
            error.WriteLine("error: " + problem);
            return ToolExitCodes.InvalidInput;
        }
        if (ModelTypes.Describe(type, out problem) is not { } description)
        {
            error.WriteLine("error: " + problem);
            return ToolExitCodes.InvalidInput;
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
        return ToolExitCodes.Success;
    }
}
