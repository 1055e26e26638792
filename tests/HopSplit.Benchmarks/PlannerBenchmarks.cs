using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>Planning time for a fixed micro-batch size and for the alternating joint optimization.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class PlannerBenchmarks
{
    private PlanningProblem _problem = null!;

    [Params(16, 64, 200)]
    public int Layers { get; set; }

    [Params(4, 16, 64)]
    public int Nodes { get; set; }

    [Params(NetworkFamily.EdgeHierarchy, NetworkFamily.RandomMesh)]
    public NetworkFamily Family { get; set; }

    [GlobalSetup]
    public void Setup() => _problem = SyntheticInstances.Create(Layers, Nodes, Family);

    /// <summary>Optimal MSP at b = 8 (M = 8).</summary>
    [Benchmark]
    public MspResult? FixedMicroBatch() => new MspSolver(_problem).Solve(8);

    /// <summary>The paper's alternation of MSP and the closed-form micro-batch size, from b = B.</summary>
    [Benchmark]
    public JointResult? Alternating() => JointOptimizer.Alternate(new MspSolver(_problem));
}

/// <summary>The exact joint optimum (MSP for every distinct number of micro-batches), on the sizes where it is affordable.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ExactJointBenchmarks
{
    private PlanningProblem _problem = null!;

    [Params(16, 64)]
    public int Layers { get; set; }

    [Params(4, 16, 64)]
    public int Nodes { get; set; }

    [Params(NetworkFamily.EdgeHierarchy, NetworkFamily.RandomMesh)]
    public NetworkFamily Family { get; set; }

    [GlobalSetup]
    public void Setup() => _problem = SyntheticInstances.Create(Layers, Nodes, Family);

    [Benchmark]
    public JointResult? ExactJoint() => JointOptimizer.Exact(new MspSolver(_problem));
}

/// <summary>
/// The exact joint optimum at 200 layers on the edge hierarchy, the realistic family (the target is
/// under 0.5 s on 64 nodes); the random mesh at 200 layers takes seconds per fixed-b solve, so it is left out.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ExactJointLargeBenchmarks
{
    private PlanningProblem _problem = null!;

    [Params(200)]
    public int Layers { get; set; }

    [Params(4, 16, 64)]
    public int Nodes { get; set; }

    [Params(NetworkFamily.EdgeHierarchy)]
    public NetworkFamily Family { get; set; }

    [GlobalSetup]
    public void Setup() => _problem = SyntheticInstances.Create(Layers, Nodes, Family);

    [Benchmark]
    public JointResult? ExactJoint() => JointOptimizer.Exact(new MspSolver(_problem));
}
