using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Pipeline;

/// <summary>
/// SmallCnn on a four-node chain a - b - r - d where r is a relay, and plan shapes over it built by hand,
/// so every kind of pipeline (one stage, two nodes, three nodes with a relay hop) is exercised.
/// </summary>
internal static class PipelineFixtures
{
    public const int A = 0, B = 1, R = 2, D = 3;

    public static PlanningProblem Problem(int batchSize, double flops = 1e12, double bitsPerSecond = 1e12) => new(
        SmallCnn.Costs,
        new Network(
            [
                new NetworkNode("a", flops, 1e12),
                new NetworkNode("b", flops, 1e12),
                new NetworkNode("r", 0, 0),
                new NetworkNode("d", flops, 1e12),
            ],
            [
                new NetworkLink("a", "b", bitsPerSecond, 0),
                new NetworkLink("b", "r", bitsPerSecond, 0),
                new NetworkLink("r", "d", bitsPerSecond, 0),
            ],
            source: "a"),
        new TrainingJob(batchSize));

    /// <summary>Named plan shapes of SmallCnn's 7 layers.</summary>
    public static readonly IReadOnlyDictionary<string, PlanShape> Shapes = new Dictionary<string, PlanShape>
    {
        ["a[0..6]"] = new([A], [], [new SegmentPlacement(A, 0, 6)]),
        ["a[0..1] b[2..6]"] = new([A, B], [0], [new SegmentPlacement(A, 0, 1), new SegmentPlacement(B, 2, 6)]),
        ["a[0..0] b[1..3] via r d[4..6]"] = new([A, B, R, D], [0, 1, 2],
            [new SegmentPlacement(A, 0, 0), new SegmentPlacement(B, 1, 3), new SegmentPlacement(D, 4, 6)]),
        ["a[0..2] via b, r d[3..6]"] = new([A, B, R, D], [0, 1, 2], [new SegmentPlacement(A, 0, 2), new SegmentPlacement(D, 3, 6)]),
    };

    /// <summary>Uniform samples in [-1, 1) and labels in 0..2, deterministic for a seed.</summary>
    public static (Tensor X, Tensor Y) Batch(int samples, int seed, ScalarType type = ScalarType.Float32)
    {
        var random = new Random(seed);
        var values = new double[samples * 64];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextDouble() * 2 - 1;
        var labels = Enumerable.Range(0, samples).Select(_ => (long)random.Next(3)).ToArray();
        return (torch.tensor(values, [samples, 1, 8, 8]).to_type(type), torch.tensor(labels));
    }

    /// <summary>
    /// A SmallCnn whose weights depend on the seed only. They are drawn from a private generator, not
    /// torch's global one, which tests running in parallel would otherwise share.
    /// </summary>
    public static SmallCnn Model(int seed, ScalarType type = ScalarType.Float32)
    {
        var model = new SmallCnn();
        model.to(type);
        var random = new Random(seed);
        using var noGrad = torch.no_grad();
        foreach (var parameter in model.parameters())
        {
            var values = new double[parameter.numel()];
            for (var i = 0; i < values.Length; i++) values[i] = (random.NextDouble() * 2 - 1) * 0.3;
            using var source = torch.tensor(values, parameter.shape).to_type(type);
            parameter.copy_(source);
        }
        return model;
    }

    public static PipelineTrainerOptions Options(ScheduleKind schedule, NetworkEmulation emulation = NetworkEmulation.None) => new()
    {
        CreateOptimizer = parameters => torch.optim.SGD(parameters, 0.1, momentum: 0.9),
        Schedule = schedule,
        Emulation = emulation,
    };
}
