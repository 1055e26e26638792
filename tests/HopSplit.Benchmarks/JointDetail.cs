using System.Diagnostics;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>
/// The exact joint mode's candidates one by one: each b's lower bound (the order they are solved in),
/// its optimum, and what a full solve costs against a solve below the final optimum (what pruning leaves).
/// </summary>
public static class JointDetail
{
    public static void Print(TextWriter output, int layers, int nodes, NetworkFamily family)
    {
        var problem = SyntheticInstances.Create(layers, nodes, family);
        JointOptimizer.Exact(new MspSolver(problem)); // JIT
        var best = JointOptimizer.Exact(new MspSolver(problem))!;
        var cands = JointCandidates.Ordered(new MspSolver(problem));
        foreach (var (b, lb) in cands)
        {
            var s1 = new MspSolver(problem);
            var w = Stopwatch.StartNew();
            var full = s1.Solve(b)!;
            var tFull = w.Elapsed.TotalMilliseconds;
            var s2 = new MspSolver(problem);
            w.Restart();
            var below = s2.SolveBelow(b, best.Latency);
            var tBelow = w.Elapsed.TotalMilliseconds;
            output.WriteLine($"b={b,3} M={problem.MicroBatches(b),3} LB={lb:G6} T={full.Latency:G6} max={full.Max:G6} sum={full.Sum:G6} full {tFull,7:0.0} ms runs {s1.Statistics.ShortestPathRuns,3}; below best {tBelow,7:0.0} ms runs {s2.Statistics.ShortestPathRuns} found={below is not null}");
        }
    }
}
