using System.Diagnostics;
using HopSplit.Planning.Solver;

namespace HopSplit.Benchmarks;

/// <summary>
/// Where a solve spends its time (the fixed-b solve, the alternation or the exact joint mode): every
/// search the solver runs (relaxed, cost-to-go, tracked), with its threshold, cutoff, tracked nodes, states held and time, on one 200-layer
/// instance after a warm-up solve; then the totals per kind and the allocated bytes.
/// </summary>
public static class SolveProfile
{
    private static readonly int Repeats = int.TryParse(Environment.GetEnvironmentVariable("PROFILE_REPEATS"), out var r) ? r : 25;

    /// <summary>What one profiled run does with a fresh solver: the fixed-b solve (b = 8), the alternation, or the exact joint mode.</summary>
    public enum Mode { Fixed, Alternating, ExactJoint }

    public static void Print(TextWriter output, int layers, int nodes, NetworkFamily family, Mode mode = Mode.Fixed)
    {
        object? Run(MspSolver s) => mode switch
        {
            Mode.Alternating => JointOptimizer.Alternate(s),
            Mode.ExactJoint => JointOptimizer.Exact(s),
            _ => s.Solve(8),
        };
        var problem = SyntheticInstances.Create(layers, nodes, family);
        Run(new MspSolver(problem)); // JIT
        // The machine is shared: each search's time is the minimum over repeated solves (the same searches every time).
        List<SearchTrace>? fastest = null;
        var totals = new List<double>();
        var rest = double.PositiveInfinity; // time outside the searches, least disturbed run
        long allocated = 0;
        object? result = null;
        MspSolver? solver = null;
        for (var run = 0; run < Repeats; run++)
        {
            solver = new MspSolver(problem) { Trace = new List<SearchTrace>() };
            var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var pause = GC.GetTotalPauseDuration();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            result = Run(solver);
            watch.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            totals.Add(watch.Elapsed.TotalMilliseconds);
            if (Environment.GetEnvironmentVariable("PROFILE_RUNS") is not null)
                output.WriteLine($"run {run}: {watch.Elapsed.TotalMilliseconds:0.0} ms, searches {solver.Trace.Sum(t => t.Elapsed.TotalMilliseconds):0.0} ms, GCs {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}, GC pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0.0} ms");
            rest = Math.Min(rest, watch.Elapsed.TotalMilliseconds - solver.Trace.Sum(t => t.Elapsed.TotalMilliseconds));
            fastest = fastest is null
                ? solver.Trace
                : fastest.Zip(solver.Trace, (a, b) => a.Elapsed <= b.Elapsed ? a : b).ToList();
        }
        totals.Sort();
        var outcome = result switch
        {
            MspResult fixedB => $"T={fixedB.Latency:R} proven={fixedB.ProvenOptimal} gap={fixedB.OptimalityGap:P2}",
            JointResult joint => $"b={joint.MicroBatchSize} T={joint.Latency:R}",
            _ => "no plan",
        };
        output.WriteLine($"{family} {layers}x{nodes} {mode}: solve min {totals[0]:0.0} ms, median {totals[Repeats / 2]:0.0} ms of {Repeats}, {allocated / 1e6:0.0} MB allocated, {outcome} runs={solver!.Statistics.ShortestPathRuns}");
        if (result is JointResult { Steps: var steps })
            output.WriteLine("steps (b: T): " + string.Join(", ", steps.Select(s => $"{s.SolvedFor}: {s.Latency:G6}")));
        output.WriteLine("kind        limit         cutoff        tracked  states     result        min ms");
        foreach (var t in fastest!)
            output.WriteLine($"{t.Kind,-11} {t.Limit,-13:G6} {t.Cutoff,-13:G6} {t.Tracked,7}  {t.States,-10} {t.Result,-13:G6} {t.Elapsed.TotalMilliseconds:0.00}");
        foreach (var kind in fastest.GroupBy(t => t.Kind))
            output.WriteLine($"total {kind.Key}: {kind.Count()} searches, {kind.Sum(t => t.States)} states, {kind.Sum(t => t.Elapsed.TotalMilliseconds):0.0} ms");
        output.WriteLine($"sum of searches {fastest.Sum(t => t.Elapsed.TotalMilliseconds):0.0} ms, outside them {rest:0.0} ms");
        // One relaxed search alone, repeated (two limits in turn, so that none is skipped as already computed).
        var toGo = new RelaxedCostToGo(problem);
        var limits = fastest.Where(t => t.Kind == "relaxed").Select(t => t.Limit).Take(2).ToArray();
        if (limits.Length < 2) return;
        var best = double.PositiveInfinity;
        for (var i = 0; i < 200; i++)
        {
            var start = Stopwatch.GetTimestamp();
            toGo.Compute(8, limits[i % 2]);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        output.WriteLine($"one relaxed search alone: min {best:0.000} ms");
        // {fastest.Sum(t => t.Elapsed.TotalMilliseconds):0.0} ms");
    }
}
