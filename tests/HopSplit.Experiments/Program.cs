using System.Diagnostics;
using HopSplit.Experiments;

// Regenerates docs/RESULTS.md and docs/results/*.png + *.csv (issue 7, planner and simulator part).
//   dotnet run --project tests/HopSplit.Experiments -c Release -- [--seed N] [--out docs/results] [--report FILE] [--quick]
try
{
    var options = ExperimentOptions.Parse(args);
    var clock = Stopwatch.StartNew();
    ExperimentRunner.Run(options, Console.Out);
    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s: {options.ReportPath}");
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: HopSplit.Experiments [--seed N] [--out DIR] [--report FILE] [--quick] [--only FAMILY]");
    return 2;
}
