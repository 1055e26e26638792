using System.Diagnostics;

namespace HopSplit.Benchmarks;

/// <summary>
/// A quick before/after of the generators without BenchmarkDotNet: the <see cref="GeneratorBenchmarks"/> cases for this
/// build and, when HOPSPLIT_BASELINE_GENERATORS names an older HopSplit.Generators.dll, that build, run alternately
/// (current, baseline, current, ...) so that both see the same machine load. Prints the median and fastest wall time
/// and the median bytes allocated on this thread per run (the allocations do not depend on the load).
/// </summary>
public static class GeneratorTiming
{
    public static void Print(TextWriter output, int runs)
    {
        foreach (var distinct in new[] { true, false })
        {
            var versions = GeneratorBenchmarks.Versions().Select(v =>
            {
                var benchmark = new GeneratorBenchmarks { Generators = v, DistinctLayers = distinct };
                benchmark.Setup();
                return (Name: v, Benchmark: benchmark);
            }).ToList();
            var cases = new (string Name, Func<GeneratorBenchmarks, object> Run)[]
            {
                ("cold", b => b.Cold()),
                ("unrelated file added", b => b.IncrementalUnrelatedFile()),
                ("method body edited", b => b.IncrementalMethodBodyEdit()),
            };
            foreach (var (caseName, run) in cases)
            {
                var times = versions.ToDictionary(v => v.Name, _ => new List<double>());
                var bytes = versions.ToDictionary(v => v.Name, _ => new List<long>());
                for (var i = 0; i < runs + 3; i++)
                {
                    foreach (var (name, benchmark) in versions)
                    {
                        var allocated = GC.GetAllocatedBytesForCurrentThread();
                        var watch = Stopwatch.StartNew();
                        run(benchmark);
                        watch.Stop();
                        if (i < 3) continue; // warm-up: JIT
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
