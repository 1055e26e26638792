using System.CommandLine;
using System.Globalization;
using HopSplit.Samples.Digits.Synthetic;

namespace HopSplit.Samples.Digits.Bench;

/// <summary>`digits compare`: HopSplit's plan and every baseline, trained over the emulated network; predicted against measured ranking.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var steps = DigitsApp.PositiveInt("--steps", "Measured emulated steps per plan (after 2 warm-up steps).", 8);
        var schedule = new Option<string>("--schedule", "-s") { Description = "gpipe or 1f1b.", DefaultValueFactory = _ => "1f1b" };
        schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        var command = new Command("compare",
            "Train DigitNet over the emulated network with HopSplit's plan and with each baseline (sequential, even split, two tier, " +
            "bottleneck only) and compare predicted with measured step time: does the measured ranking match the predicted one?");
        command.Options.Add(steps);
        command.Options.Add(schedule);
        command.SetAction(parse =>
        {
            var data = SyntheticDigits.Generate(2048, seed: 5);
            var plans = PlanComparison.Run(DigitsApp.ScheduleOf(parse.GetValue(schedule)), parse.GetValue(steps), data, output);
            string Ms(double s) => (s * 1e3).ToString("F1", CultureInfo.InvariantCulture);
            output.WriteLine();
            output.WriteLine($"{"planner",-11} {"formula ms",11} {"simulated ms",13} {"measured ms",12} {"meas./sim.",11}  plan");
            foreach (var p in plans.OrderBy(p => p.Report.SimulatedSeconds))
            {
                output.WriteLine($"{p.Algorithm,-11} {Ms(p.Plan.LatencySeconds),11} {Ms(p.Report.SimulatedSeconds),13} {Ms(p.Report.MeasuredSeconds),12} " +
                                 $"{(p.Report.MeasuredOverSimulated).ToString("F3", CultureInfo.InvariantCulture),11}  {p.Describe()}");
            }
            var inversions = PlanComparison.Inversions(plans);
            output.WriteLine(inversions.Count == 0
                ? "The measured ranking matches the predicted one (plans the simulator puts within 2% of each other count as ties)."
                : "Ranking differs: " + string.Join("; ", inversions.Select(i => $"{i.Faster.Algorithm} was predicted faster than {i.Slower.Algorithm} but measured slower")));
            return inversions.Count == 0 ? DigitsApp.Success : BenchCommand.TargetMissed;
        });
        return command;
    }
}
