using System.Diagnostics;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>
/// How much work the threshold search does against plain threshold enumeration (one Dijkstra per
/// distinct stage cost), on the benchmark instances.
/// </summary>
public static class PruningReport
{
    public static void Print(TextWriter output)
    {
        output.WriteLine("| network | layers | nodes | distinct stage costs (runs without pruning) | shortest-path runs | revisit refinements | tracked nodes | cutoff widenings | search states | branch-and-bound searches | proven optimal | certified gap | fixed-b solve (ms, one run) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var family in new[] { NetworkFamily.EdgeHierarchy, NetworkFamily.RandomMesh })
        foreach (var layers in new[] { 16, 64, 200 })
        foreach (var nodes in new[] { 4, 16, 64 })
        {
            var problem = SyntheticInstances.Create(layers, nodes, family);
            var solver = new MspSolver(problem);
            var watch = Stopwatch.StartNew();
            var result = solver.Solve(8)!;
            watch.Stop();
            var stats = solver.Statistics;
            output.WriteLine($"| {family} | {layers} | {nodes} | {solver.DistinctStageCostCount(8)} | {stats.ShortestPathRuns} | {stats.RevisitRefinements} | {stats.RevisitedNodes.Count} | {stats.CutoffWidenings} | {stats.SearchStates} | {stats.BranchAndBoundSearches} | {(result.ProvenOptimal ? "yes" : "no")} | {result.OptimalityGap:P2} | {watch.Elapsed.TotalMilliseconds:0.0} |");
        }
    }
}
