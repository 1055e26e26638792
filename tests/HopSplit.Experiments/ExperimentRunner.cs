using System.Diagnostics;
using HopSplit.Experiments.Families;
using HopSplit.Experiments.Output;

namespace HopSplit.Experiments;

/// <summary>Runs every experiment family in order and writes the report.</summary>
public static class ExperimentRunner
{
    public static IReadOnlyList<IExperiment> Families() =>
    [
        new BaselineComparison(),
        new AlternatingGap(),
        new PlanningTime(),
        new FormulaVsSimulation(),
        new MicroBatchEffect(),
        new HeterogeneityAndMemory(),
        new FluctuatingBandwidth(),
    ];

    public static void Run(ExperimentOptions options, TextWriter log)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var context = new ExperimentContext(options.OutputDirectory, options.Seed, options.Quick);
        var sections = new List<ReportSection>();
        foreach (var family in Families().Where(f => options.Only is null || f.Name == options.Only))
        {
            log.WriteLine($"{family.Name}...");
            log.Flush();
            var clock = Stopwatch.StartNew();
            var section = family.Run(context);
            sections.Add(section with { Body = section.Body.TrimEnd() + "\n\n" + Readings.For(family.Name) });
            log.WriteLine($"{family.Name}: {clock.Elapsed.TotalSeconds:F1} s");
            log.Flush();
        }
        ReportWriter.Write(options.ReportPath, context, sections, Introduction + "\n\n" + Readings.Summary);
    }

    private const string Introduction = """
        Issue 7's planner and simulator evidence: every table and plot here is regenerated from scratch by

            dotnet run --project tests/HopSplit.Experiments -c Release

        (options: `--seed N`, default 7; `--out DIR`, default docs/results; `--quick` for a tiny grid). The run is
        deterministic for a seed: every CSV is byte-identical between runs except `planning-time*.csv`, which holds
        measured wall-clock times. Each plot has a CSV of the same name next to it in [results/](results/).

        Models: VGG-16 and ResNet-18 of samples/ModelZoo and the digits CNN of samples/Digits as cost tables generated
        by HopSplit's source generator from their TorchSharp declarations (FLOP counts), and VGG-16 and
        AlexNet as profiled on a GPU by PipeDream (samples/models, measured seconds turned into FLOP-equivalents),
        and the digits CNN as measured on this project's CPU by HopSplit's own profiler (digitnet-profiled).
        All latencies are the planning model's (MODEL.md section 5) or the discrete-event simulator's: no training
        runs here. Emulated training confirms the ranking of plans on the Digits sample: see
        [runtime.md, "Plans ranked by measurement"](runtime.md#plans-ranked-by-measurement) (`digits compare`).
        """;
}
