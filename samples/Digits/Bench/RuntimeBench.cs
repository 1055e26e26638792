using System.Diagnostics;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Synthetic;
using HopSplit.Samples.Digits.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits.Bench;

/// <summary>One checked number: what was measured, the target and whether it was met.</summary>
public sealed record BenchResult(string Name, string Measured, string Target, bool Met, string Detail);

/// <summary>
/// The runtime's performance targets, measured on the main job's model, network and plan: emulated steps
/// against the simulator, the pipelining speedup against the planner's, the runtime's overhead against a
/// plain TorchSharp loop, and native memory over 1000 steps. Medians, and ratios taken within one run.
/// </summary>
public static class RuntimeBench
{
    public sealed record Settings(int EmulatedSteps = 30, int SequentialSteps = 10, int OverheadRounds = 11, int OverheadSteps = 30, int MemorySteps = 1000);

    public static IEnumerable<BenchResult> Run(Settings settings, TextWriter log)
    {
        GlibcHeap.KeepLargeBlocks();
        torch.set_num_threads(1);
        var data = SyntheticDigits.Generate(4096, seed: 5);
        foreach (var schedule in new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB })
        {
            foreach (var result in Emulated(schedule, data, settings, log)) yield return result;
        }
        yield return Overhead(data, settings, log);
        yield return Memory(data, settings, log);
    }

    /// <summary>The main job's plan and the sequential plan, emulated: measured vs simulated, and the speedup.</summary>
    private static IEnumerable<BenchResult> Emulated(ScheduleKind schedule, DigitImages data, Settings settings, TextWriter log)
    {
        var name = ScheduleNames.Name(schedule);
        var options = new DigitsTrainingOptions(schedule);
        var problem = DigitsTraining.Problem(options);
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequentialPlan = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        using var batches = new MiniBatches(data, options.BatchSize, seed: 1);
        log.WriteLine($"{name}: {settings.EmulatedSteps} pipelined and {settings.SequentialSteps} sequential emulated steps");
        var pipelined = TrainFresh(PipelineLayout.From(problem, plan), schedule, NetworkEmulation.Modeled, batches, settings.EmulatedSteps);
        var sequential = TrainFresh(PipelineLayout.From(problem, sequentialPlan), schedule, NetworkEmulation.Modeled, batches, settings.SequentialSteps);
        log.Write(pipelined.Report.Format());

        var fidelity = pipelined.Report.MeasuredOverSimulated;
        yield return new BenchResult($"{name}: measured / simulated step", $"{fidelity:F3}", "<= 1.100", fidelity <= 1.10,
            $"median {pipelined.Report.MeasuredSeconds * 1e3:F1} ms vs {pipelined.Report.SimulatedSeconds * 1e3:F1} ms simulated (formula {plan.LatencySeconds * 1e3:F1} ms)");
        var measuredSpeedup = sequential.Report.MeasuredSeconds / pipelined.Report.MeasuredSeconds;
        var predictedSpeedup = sequentialPlan.LatencySeconds / plan.LatencySeconds;
        var simulatedSpeedup = sequential.Report.SimulatedSeconds / pipelined.Report.SimulatedSeconds;
        var share = measuredSpeedup / predictedSpeedup;
        yield return new BenchResult($"{name}: measured / planner's speedup", $"{share:F3}", ">= 0.900", share >= 0.90,
            $"measured {measuredSpeedup:F2}x (sequential {sequential.Report.MeasuredSeconds * 1e3:F1} ms), planner's formula {predictedSpeedup:F2}x");
        // The formula is the planning objective; the simulator runs the schedule itself (gpipe's fill and drain
        // of forwards and backwards cost more than the formula counts). Both are reported.
        var simulatedShare = measuredSpeedup / simulatedSpeedup;
        yield return new BenchResult($"{name}: measured / simulated speedup", $"{simulatedShare:F3}", ">= 0.900", simulatedShare >= 0.90,
            $"measured {measuredSpeedup:F2}x, simulated {simulatedSpeedup:F2}x");
    }

    private static PipelineRunResult TrainFresh(PipelineLayout layout, ScheduleKind schedule, NetworkEmulation emulation, MiniBatches batches, int steps)
    {
        torch.random.manual_seed(1);
        using var model = new DigitNet();
        return PipelineRun.Train(model, layout, schedule, emulation, batches, warmUp: 3, steps, learningRate: 0.002);
    }

    /// <summary>
    /// One stage without emulation against a plain TorchSharp loop on the same model and batches. Rounds
    /// alternate the two, so drift in the machine's speed falls on both; the medians of the rounds are compared.
    /// </summary>
    private static BenchResult Overhead(DigitImages data, Settings settings, TextWriter log)
    {
        var problem = DigitsTraining.Problem(new DigitsTrainingOptions());
        var source = problem.Network.IndexOf(problem.Network.Source);
        var oneStage = PipelineLayout.From(problem, new PlanShape([source], [], [new SegmentPlacement(source, 0, problem.LayerCount - 1)]), problem.BatchSize);
        using var batches = new MiniBatches(data, problem.BatchSize, seed: 2);
        var fixedBatches = Enumerable.Range(0, settings.OverheadSteps).Select(_ =>
        {
            var (x, y) = batches.Next();
            return (X: x.DetachFromDisposeScope(), Y: y.DetachFromDisposeScope());
        }).ToArray();
        torch.random.manual_seed(1);
        using var plainModel = new DigitNet();
        using var plainOptimizer = torch.optim.Adam(plainModel.parameters(), 0.002);
        torch.random.manual_seed(1);
        using var runtimeModel = new DigitNet();
        using var trainer = PipelineTrainer.Create(runtimeModel, oneStage, new PipelineTrainerOptions
        {
            CreateOptimizer = p => torch.optim.Adam(p, 0.002),
            Emulation = NetworkEmulation.None,
        });

        double PlainRound()
        {
            var watch = Stopwatch.StartNew();
            foreach (var (x, y) in fixedBatches)
            {
                using var scope = torch.NewDisposeScope();
                plainOptimizer.zero_grad();
                nn.functional.cross_entropy(plainModel.forward(x), y).backward();
                plainOptimizer.step();
            }
            return watch.Elapsed.TotalSeconds / fixedBatches.Length;
        }
        double RuntimeRound()
        {
            var watch = Stopwatch.StartNew();
            foreach (var (x, y) in fixedBatches) trainer.Step(x, y);
            return watch.Elapsed.TotalSeconds / fixedBatches.Length;
        }

        PlainRound();
        RuntimeRound(); // warm-up of both
        var plain = new List<double>();
        var runtime = new List<double>();
        for (var round = 0; round < settings.OverheadRounds; round++)
        {
            plain.Add(PlainRound());
            runtime.Add(RuntimeRound());
        }
        foreach (var (x, y) in fixedBatches)
        {
            x.Dispose();
            y.Dispose();
        }
        var ratio = Median(runtime) / Median(plain);
        log.WriteLine($"overhead: plain {string.Join(" ", plain.Select(s => $"{s * 1e3:F2}"))} ms/step; runtime {string.Join(" ", runtime.Select(s => $"{s * 1e3:F2}"))} ms/step");
        return new BenchResult("one stage, no emulation / plain loop", $"{ratio:F3}", "<= 1.050", ratio <= 1.05,
            $"median {Median(runtime) * 1e3:F2} ms vs {Median(plain) * 1e3:F2} ms per step of 64, {settings.OverheadRounds} alternating rounds of {settings.OverheadSteps}");
    }

    /// <summary>The main job's pipelined plan without emulation (the same code, no waiting) for many steps: resident memory and live tensors.</summary>
    private static BenchResult Memory(DigitImages data, Settings settings, TextWriter log)
    {
        var problem = DigitsTraining.Problem(new DigitsTrainingOptions(ScheduleKind.OneFOneB));
        var layout = PipelineLayout.From(problem, Planner.Plan(problem, new PlannerOptions()));
        using var batches = new MiniBatches(data, problem.BatchSize, seed: 3);
        torch.random.manual_seed(1);
        using var model = new DigitNet();
        using var trainer = PipelineTrainer.Create(model, layout, new PipelineTrainerOptions
        {
            CreateOptimizer = p => torch.optim.Adam(p, 0.002),
            Schedule = ScheduleKind.OneFOneB,
            Emulation = NetworkEmulation.None,
        });
        var samples = new List<(int Step, double ResidentMiB, long Tensors)>();
        var checkpoints = new[] { 100, 250, 500, 750, settings.MemorySteps }.Where(s => s <= settings.MemorySteps).ToHashSet();
        for (var step = 1; step <= settings.MemorySteps; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                var (x, y) = batches.Next();
                trainer.Step(x, y);
            }
            if (!checkpoints.Contains(step)) continue;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            samples.Add((step, ResidentMiB(), torch.Tensor.TotalCount));
            log.WriteLine($"memory: step {step,5}: resident {samples[^1].ResidentMiB:F1} MiB, {samples[^1].Tensors} live tensors");
        }
        var first = samples[0];
        var last = samples[^1];
        var growth = last.ResidentMiB - first.ResidentMiB;
        var met = growth <= Math.Max(8, first.ResidentMiB * 0.02) && last.Tensors == first.Tensors;
        return new BenchResult($"native memory, steps {first.Step}..{last.Step}", $"{growth:+0.0;-0.0} MiB", "flat (<= 2% or 8 MiB, same tensors)", met,
            $"resident {first.ResidentMiB:F1} -> {last.ResidentMiB:F1} MiB; live tensors {first.Tensors} -> {last.Tensors}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Resident set size of this process (native and managed), from /proc on Linux.</summary>
    private static double ResidentMiB()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
