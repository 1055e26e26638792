using System.Diagnostics;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>
/// A quick look at the fixed-b solve on the 200-layer instances without BenchmarkDotNet: medians of
/// five runs after one warm-up, wall clock and process CPU time (less disturbed when the machine is
/// shared), and the solver's statistics, whose search states measure work independently of the machine.
/// </summary>
public static class QuickTiming
{
    public static void Print(TextWriter output)
    {
        foreach (var family in new[] { NetworkFamily.EdgeHierarchy, NetworkFamily.RandomMesh })
        foreach (var nodes in new[] { 16, 64 })
        {
            var problem = SyntheticInstances.Create(200, nodes, family);
            var walls = new List<double>();
            var cpus = new List<double>();
            MspResult? result = null;
            MspSolver? solver = null;
            for (var i = 0; i < 6; i++)
            {
                var process = Process.GetCurrentProcess();
                var cpu0 = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                solver = new MspSolver(problem);
                result = solver.Solve(8);
                watch.Stop();
                process.Refresh();
                if (i == 0) continue; // the warm-up run pays for JIT
                walls.Add(watch.Elapsed.TotalMilliseconds);
                cpus.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
            walls.Sort();
            cpus.Sort();
            output.WriteLine($"{family} 200x{nodes}: wall median {walls[2]:0.0} ms, cpu median {cpus[2]:0.0} ms, T={result!.Latency:R} proven={result.ProvenOptimal} gap={result.OptimalityGap:P2} states={solver!.Statistics.SearchStates} runs={solver.Statistics.ShortestPathRuns} widen={solver.Statistics.CutoffWidenings} bnb={solver.Statistics.BranchAndBoundSearches}");
        }
    }
}
