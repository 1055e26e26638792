using System.Reflection;
using HopSplit.Planning.Json;

namespace HopSplit.Tooling;

/// <summary>
/// A [SplitModel] class's generated cost table as MODEL.md's model JSON, for tools such as <c>hopsplit costs</c>
/// (called by reflection, like <see cref="ModelTypeProfiler"/>; only framework types cross). Reading the
/// generated <c>Costs</c> runs no TorchSharp code, so libtorch is never loaded.
/// </summary>
public static class CostTableExport
{
    /// <summary>Writes the model JSON to <paramref name="outputPath"/>, or to <paramref name="output"/> when null.</summary>
    /// <returns>0 on success, 1 when the model is not found or has no generated costs (the reason goes to <paramref name="error"/>).</returns>
    public static int Run(Assembly assembly, string? model, string? outputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (ModelTypes.Find(assembly, model, out var problem) is not { } type)
        {
            error.WriteLine("error: " + problem);
            return 1;
        }
        if (ModelTypes.GeneratedCosts(type, out problem) is not { } costs)
        {
            error.WriteLine("error: " + problem);
            return 1;
        }
        var json = ModelFileWriter.Format(costs);
        if (outputPath is null)
        {
            output.Write(json);
            return 0;
        }
        File.WriteAllText(outputPath, json);
        output.WriteLine($"Wrote {type.FullName}'s cost table ({costs.LayerCount} layers) to {outputPath}.");
        return 0;
    }
}
