using HopSplit.Planning.Costs;
using HopSplit.Planning.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Tests;

/// <summary>The example files of MODEL.md, copied next to the test assembly.</summary>
internal static class Examples
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "examples", file);

    public static ModelCosts TinyModel => PlanningFiles.LoadModel(PathOf("tiny.model.json"));

    public static Network Campus => PlanningFiles.LoadNetwork(PathOf("campus.network.json"));

    public static PlanningProblem TinyOnCampus(int batch = 64) => new(TinyModel, Campus, new TrainingJob(batch));
}
