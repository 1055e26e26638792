using System.CommandLine;

namespace HopSplit.Samples.Digits.Bench;

/// <summary>`digits bench`: the runtime's targets, measured (see <see cref="RuntimeBench"/>). Exit code 3 when one is missed.</summary>
internal static class BenchCommand
{
    /// <summary>A target was measured and missed.</summary>
    public const int TargetMissed = 3;

    public static Command Create(TextWriter output)
    {
        var emulated = DigitsApp.PositiveInt("--emulated-steps", "Measured emulated pipelined steps per schedule.", 30);
        var sequential = DigitsApp.PositiveInt("--sequential-steps", "Measured emulated sequential steps per schedule.", 10);
        var memory = DigitsApp.PositiveInt("--memory-steps", "Steps of the memory check (checkpoints at 100, 250, 500, 750 and the last).", 1000);
        var command = new Command("bench",
            "Measure the runtime against its targets on this sample: emulated step within 10% of the simulator (gpipe and 1f1b), " +
            "pipelining speedup at least 90% of the planner's, one stage without emulation at most 5% slower than a plain " +
            "TorchSharp loop, native memory flat over 1000 steps. Takes about two minutes; run it on a quiet machine.");
        foreach (var option in new Option[] { emulated, sequential, memory }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var settings = new RuntimeBench.Settings(parse.GetValue(emulated), parse.GetValue(sequential), MemorySteps: Math.Max(100, parse.GetValue(memory)));
            var results = RuntimeBench.Run(settings, output).ToArray();
            output.WriteLine();
            output.WriteLine($"{"target",-44} {"measured",10} {"goal",-36} {"met",-4} detail");
            foreach (var r in results) output.WriteLine($"{r.Name,-44} {r.Measured,10} {r.Target,-36} {(r.Met ? "yes" : "NO"),-4} {r.Detail}");
            return results.All(r => r.Met) ? DigitsApp.Success : TargetMissed;
        });
        return command;
    }
}
