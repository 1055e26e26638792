using System.Diagnostics;

namespace HopSplit.Benchmarks;

/// <summary>
/// A quick before/after of the generators without BenchmarkDotNet: the <see cref="GeneratorBenchmarks"/> cases for this
/// build and, when HOPSPLIT_BASELINE_GENERATORS names an older HopSplit.Generators.dll, that build, run alternately
/// (current, baseline, current, ...) so that both see the same machine load. Prints the median and fastest wall time
/// and the median bytes allocated on this thread per run (the allocations do not depend on the load).
/// <para>
/// Every case of both models is warmed up before any is measured: the JIT first runs Roslyn's and the generator's code
/// unoptimized (tier 0) and recompiles it only after many calls, so a case measured right after three warm-ups of its
/// own ran on slower code than the cases measured after it (the distinct model, measured first, looked twice as slow
/// as the repeated one for that reason alone).
/// </para>
/// </summary>
public static class GeneratorTiming
{
    private const int WarmUpRounds = 10;

    private static readonly (string Name, Func<GeneratorBenchmarks, object> Run)[] Cases =
    [
        ("cold", b => b.Cold()),
        ("unrelated file added", b => b.IncrementalUnrelatedFile()),
        ("method body edited", b => b.IncrementalMethodBodyEdit()),
    ];

    public static void Print(TextWriter output, int runs)
    {
        var models = new[] { true, false }.Select(distinct => (Distinct: distinct, Versions: GeneratorBenchmarks.Versions().Select(v =>
        {
            var benchmark = new GeneratorBenchmarks { Generators = v, DistinctLayers = distinct };
            benchmark.Setup();
            return (Name: v, Benchmark: benchmark);
        }).ToList())).ToList();

        for (var round = 0; round < WarmUpRounds; round++)
        {
            foreach (var (_, versions) in models)
            {
                foreach (var (_, run) in Cases)
                {
                    foreach (var (_, benchmark) in versions) run(benchmark);
                }
            }
        }

        foreach (var (distinct, versions) in models)
        {
            foreach (var (caseName, run) in Cases)
            {
                var times = versions.ToDictionary(v => v.Name, _ => new List<double>());
                var bytes = versions.ToDictionary(v => v.Name, _ => new List<long>());
                for (var i = 0; i < runs; i++)
                {
                    foreach (var (name, benchmark) in versions)
                    {
                        var allocated = GC.GetAllocatedBytesForCurrentThread();
                        var watch = Stopwatch.StartNew();
                        run(benchmark);
                        watch.Stop();
                        times[name].Add(watch.Elapsed.TotalMilliseconds);
                        bytes[name].Add(GC.GetAllocatedBytesForCurrentThread() - allocated);
                    }
                }
                foreach (var (name, _) in versions)
                {
                    output.WriteLine($"{(distinct ? "distinct" : "repeated")} {caseName,-22} {name,-8}: median {Median(times[name]):0.0} ms, " +
                        $"fastest {times[name].Min():0.0} ms, allocated {Median(bytes[name].Select(b => (double)b).ToList()) / 1024:0} KB ({runs} runs)");
                }
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
