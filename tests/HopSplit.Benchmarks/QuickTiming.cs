using System.Diagnostics;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>
/// Every number docs/planner.md's speed section needs, in one run without BenchmarkDotNet: the fixed-b
/// solve (b = 8) on 16, 64 and 200 layers by 4, 16 and 64 nodes of both families, with the shortest-path
/// runs the threshold pruning saves; then the joint modes at 200 layers. Times are medians of five runs
/// after a warm-up (three for solves slower than a second), wall clock and process CPU time (less
/// disturbed when the machine is shared); search states measure the work independently of the machine.
/// The output is markdown, ready to paste.
/// </summary>
public static class QuickTiming
{
    public static void Print(TextWriter output)
    {
        output.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        output.WriteLine();
        output.WriteLine("Fixed b = 8 (M = 8):");
        output.WriteLine();
        output.WriteLine("| family | layers | nodes | wall median (ms) | CPU median (ms) | T (s) | proven | gap | distinct stage costs | shortest-path runs | search states | GCs (gen0/1/2) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var family in new[] { NetworkFamily.EdgeHierarchy, NetworkFamily.RandomMesh })
        foreach (var layers in new[] { 16, 64, 200 })
        foreach (var nodes in new[] { 4, 16, 64 })
        {
            var problem = SyntheticInstances.Create(layers, nodes, family);
            MspSolver solver = null!;
            MspResult? result = null;
            var timing = Timing.Of(() =>
            {
                solver = new MspSolver(problem);
                result = solver.Solve(8);
            });
            var stats = solver.Statistics;
            output.WriteLine($"| {family} | {layers} | {nodes} | {timing.Wall:0.0} | {timing.Cpu:0.0} | {result!.Latency:0.0000} | {(result.ProvenOptimal ? "yes" : "no")} | {result.OptimalityGap:P2} | {solver.DistinctStageCostCount(8)} | {stats.ShortestPathRuns} | {stats.SearchStates} | {timing.Collections} |");
        }
        output.WriteLine();
        output.WriteLine("Joint modes at 200 layers (alternating: the paper's, from b = B; both ends: the default; exact: `--exact-joint`):");
        output.WriteLine();
        output.WriteLine("| family | nodes | mode | wall median (ms) | CPU median (ms) | b | T (s) | shortest-path runs | search states | allocated (MB) |");
        output.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (family, nodes, modes) in new (NetworkFamily, int, string[])[]
                 {
                     (NetworkFamily.EdgeHierarchy, 4, ["exact"]),
                     (NetworkFamily.EdgeHierarchy, 16, ["exact"]),
                     (NetworkFamily.EdgeHierarchy, 64, ["alternating", "both ends", "exact"]),
                     (NetworkFamily.RandomMesh, 64, ["alternating", "both ends"]),
                 })
        foreach (var mode in modes)
        {
            var problem = SyntheticInstances.Create(200, nodes, family);
            MspSolver solver = null!;
            JointResult? result = null;
            var timing = Timing.Of(() =>
            {
                solver = new MspSolver(problem);
                result = mode switch
                {
                    "alternating" => JointOptimizer.Alternate(solver),
                    "both ends" => JointOptimizer.AlternateFromBothEnds(solver),
                    _ => JointOptimizer.Exact(solver),
                };
            });
            output.WriteLine($"| {family} | {nodes} | {mode} | {timing.Wall:0.0} | {timing.Cpu:0.0} | {result!.MicroBatchSize} | {result.Latency:0.0000} | {solver.Statistics.ShortestPathRuns} | {solver.Statistics.SearchStates} | {timing.AllocatedBytes / 1e6:0.0} |");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Medians of repeated runs of one action, after warm-up runs that pay for JIT.</summary>
    private readonly record struct Timing(double Wall, double Cpu, long AllocatedBytes, string Collections)
    {
        public static Timing Of(Action action)
        {
            // Warm-up: three runs, fewer when they are slow. Tiered compilation would keep the first few
            // solves in slow unoptimized code; the solver's hot loops skip that (AggressiveOptimization),
            // the rest of the code still needs a few calls.
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 3 && watch.Elapsed.TotalSeconds < 2; i++) action();
            watch.Restart();
            action();
            var runs = watch.Elapsed.TotalSeconds > 1 ? 3 : 5;
            var walls = new List<double>();
            var cpus = new List<double>();
            long allocated = 0;
            var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            for (var i = 0; i < runs; i++)
            {
                var process = Process.GetCurrentProcess();
                var cpu0 = process.TotalProcessorTime;
                var bytes0 = GC.GetAllocatedBytesForCurrentThread();
                watch.Restart();
                action();
                watch.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - bytes0;
                process.Refresh();
                walls.Add(watch.Elapsed.TotalMilliseconds);
                cpus.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
            walls.Sort();
            cpus.Sort();
            var collections = $"{(GC.CollectionCount(0) - gen0) / (double)runs:0.#}/{(GC.CollectionCount(1) - gen1) / (double)runs:0.#}/{(GC.CollectionCount(2) - gen2) / (double)runs:0.#}";
            return new Timing(walls[runs / 2], cpus[runs / 2], allocated, collections);
        }
    }
}
