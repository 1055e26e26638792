using HopSplit.Planning.Costs;
using HopSplit.Planning.Json;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;

namespace HopSplit.Planning.Tests.Simulation;

/// <summary>Workloads for the simulator tests: hand-made stage lists, seeded random ones and the sample problem.</summary>
internal static class Workloads
{
    public static readonly ScheduleKind[] Schedules = [ScheduleKind.GPipe, ScheduleKind.OneFOneB];

    /// <summary>Identical micro-batches with the given (F, G) per stage; stages alternate node and link.</summary>
    public static PipelineWorkload Uniform(int microBatches, params (double F, double G)[] stages) =>
        PipelineWorkload.Uniform(
            stages.Select((t, s) => new PlanStage(KindOf(s), IdOf(s), 0, 0, t.F, t.G)).ToArray(),
            microBatches);

    /// <summary>
    /// A seeded random pipeline of 1..8 stages and 1..16 micro-batches. Some times are zero (a free
    /// stage is legal); with <paramref name="raggedLast"/> the last micro-batch is a random fraction
    /// of the others, as when b does not divide B.
    /// </summary>
    public static PipelineWorkload Random(Random random, bool raggedLast)
    {
        var stageCount = random.Next(1, 9);
        var microBatches = random.Next(1, 17);
        var forward = new double[stageCount][];
        var backward = new double[stageCount][];
        var lastScale = raggedLast ? random.Next(1, 100) / 100.0 : 1.0;
        for (var s = 0; s < stageCount; s++)
        {
            var f = Time(random);
            var g = Time(random);
            forward[s] = Enumerable.Repeat(f, microBatches).ToArray();
            backward[s] = Enumerable.Repeat(g, microBatches).ToArray();
            forward[s][^1] = f * lastScale;
            backward[s][^1] = g * lastScale;
        }
        return new PipelineWorkload(
            Enumerable.Range(0, stageCount).Select(s => new SimulatedStage(KindOf(s), IdOf(s))).ToArray(),
            forward, backward);
    }

    /// <summary>The tiny model on the campus network of samples/planning, batch 64.</summary>
    public static PlanningProblem SampleProblem(ScheduleKind schedule = ScheduleKind.GPipe)
    {
        var model = PlanningFiles.LoadModel(Path.Combine(AppContext.BaseDirectory, "examples", "tiny.model.json"));
        var network = PlanningFiles.LoadNetwork(Path.Combine(AppContext.BaseDirectory, "examples", "campus.network.json"));
        return new PlanningProblem(model, network, new TrainingJob(64, Schedule: schedule));
    }

    private static double Time(Random random) => random.Next(10) == 0 ? 0 : random.Next(1, 2000) / 1000.0;

    private static StageKind KindOf(int stage) => stage % 2 == 0 ? StageKind.Compute : StageKind.Link;

    private static string IdOf(int stage) => stage % 2 == 0 ? $"n{stage}" : $"n{stage - 1}->n{stage + 1}";
}
