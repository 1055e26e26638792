using System.CommandLine;
using System.Globalization;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Training;
using Spectre.Console;

namespace HopSplit.Samples.Digits;

/// <summary>
/// The sample's command line. Without a subcommand it is the main job: train DigitNet with the planner's
/// pipelined plan over the emulated four-node network and compare measured with predicted time.
/// </summary>
public static class DigitsApp
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Bad arguments or unreadable input files.</summary>
    public const int InvalidInput = 1;

    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive)
    {
        var root = Build(output, error, interactive);
        // Ctrl+C or SIGTERM cancels the command and waits up to 30 s for it (not System.CommandLine's 2 s), so `cluster`
        // can stop its workers (10 s grace each) and delete its token file and certificates before the process ends.
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
    }

    public static RootCommand Build(TextWriter output, TextWriter error, bool interactive)
    {
        var schedule = new Option<string>("--schedule", "-s")
        {
            Description = "The pipeline schedule: gpipe (all forwards, then all backwards) or 1f1b.",
            DefaultValueFactory = _ => "1f1b",
        };
        schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        var steps = PositiveInt("--steps", "Measured pipelined training steps (mini-batches of 64), after 3 warm-up steps.", 250);
        var sequentialSteps = PositiveInt("--sequential-steps", "Measured steps of sequential split learning (no pipelining), for the speedup.", 20);
        var mnist = new Option<DirectoryInfo?>("--mnist")
        {
            Description = "Train on MNIST's IDX files in this folder (train-images-idx3-ubyte, ... ; plain or .gz) instead of the built-in synthetic digits.",
        };
        var outputFolder = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Where to write the timeline (timeline.png, timeline.trace.json).",
            DefaultValueFactory = _ => new DirectoryInfo("digits-output"),
        };
        var summary = new Option<FileInfo?>("--summary-json")
        {
            Description = "Also write the run's numbers as JSON to this file (predicted, simulated and measured times, speedups, accuracy, segments).",
        };
        var seed = new Option<int>("--seed") { Description = "Initial weights and data order.", DefaultValueFactory = _ => 1 };

        var root = new RootCommand(
            "Trains a digits CNN with HopSplit: the planner splits it over an emulated four-node multi-hop network " +
            "(sensor - gateway - edge - cloud), picks the micro-batch size, and the runtime trains it pipelined, " +
            "measuring every stage against the plan's prediction.");
        foreach (var option in new Option[] { schedule, steps, sequentialSteps, mnist, outputFolder, summary, seed }) root.Options.Add(option);
        root.SetAction(parse =>
        {
            var options = new DigitsTrainingOptions(ScheduleOf(parse.GetValue(schedule)), parse.GetValue(steps), parse.GetValue(sequentialSteps),
                Seed: parse.GetValue(seed));
            return Train(output, error, interactive, options, parse.GetValue(mnist)?.FullName, parse.GetValue(outputFolder)!.FullName,
                parse.GetValue(summary)?.FullName);
        });
        root.Subcommands.Add(ProfileCommand.Create(output, error));
        root.Subcommands.Add(Bench.BenchCommand.Create(output));
        root.Subcommands.Add(Bench.CompareCommand.Create(output));
        root.Subcommands.Add(WorkerCommand.Create(output, error));
        root.Subcommands.Add(RemoteTrainCommand.Create(output, error));
        root.Subcommands.Add(Transport.BenchTransportCommand.Create(output));
        root.Subcommands.Add(Transport.ClusterCommand.Create(output, error));
        return root;
    }

    private static int Train(TextWriter output, TextWriter error, bool interactive, DigitsTrainingOptions options, string? mnist,
        string outputFolder, string? summaryPath)
    {
        GlibcHeap.KeepLargeBlocks(); // before any tensor: steady libtorch pass times on Linux
        DigitsDataset data;
        try
        {
            data = DigitsDataset.Load(mnist);
        }
        catch (IOException e)
        {
            error.WriteLine($"error: {e.Message}");
            return InvalidInput;
        }
        output.WriteLine($"{data.Description}: {data.Train.Count} images for training, {data.Test.Count} for testing.");
        output.WriteLine();

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var outcome = DigitsTraining.Run(data, options, new ConsoleProgress(console, output, interactive));
        var (png, trace) = RunArtifacts.WriteTimeline(outcome.Pipelined, outputFolder);
        if (summaryPath is not null) RunArtifacts.WriteSummary(outcome, summaryPath);
        WriteOutcome(output, outcome, png, trace, summaryPath);
        return Success;
    }

    private static void WriteOutcome(TextWriter output, DigitsTrainingOutcome outcome, string png, string trace, string? summaryPath)
    {
        var pipelined = outcome.Pipelined.Report;
        var sequential = outcome.Sequential.Report;
        string Ms(double seconds) => (seconds * 1e3).ToString("F1", CultureInfo.InvariantCulture) + " ms";
        string X(double ratio) => ratio.ToString("F2", CultureInfo.InvariantCulture) + "x";
        output.WriteLine();
        output.WriteLine("Pipelined training, measured against the plan:");
        output.Write(pipelined.Format());
        output.WriteLine();
        output.WriteLine($"Test accuracy: {outcome.TestAccuracy.ToString("P1", CultureInfo.InvariantCulture)} on {outcome.TestImages} held-out images (final training loss {outcome.Pipelined.FinalLoss.ToString("F4", CultureInfo.InvariantCulture)}).");
        output.WriteLine($"Iteration time (median of {pipelined.Steps} steps): measured {Ms(pipelined.MeasuredSeconds)}, simulated {Ms(pipelined.SimulatedSeconds)}, planner's formula {Ms(pipelined.FormulaSeconds)}.");
        output.WriteLine($"Sequential split learning (median of {sequential.Steps} steps): measured {Ms(sequential.MeasuredSeconds)}, predicted {Ms(sequential.FormulaSeconds)}.");
        output.WriteLine($"Speedup of pipelining: measured {X(outcome.MeasuredSpeedup)}, predicted {X(outcome.PredictedSpeedup)} (simulated {X(outcome.SimulatedSpeedup)}).");
        output.WriteLine($"Timeline: {png}");
        output.WriteLine($"Trace (open in Perfetto): {trace}");
        if (summaryPath is not null) output.WriteLine($"Summary: {summaryPath}");
        output.WriteLine($"Done in {outcome.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s.");
    }

    internal static Option<int> PositiveInt(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{name} must be at least 1");
        });
        return option;
    }

    internal static ScheduleKind ScheduleOf(string? name) => name == "1f1b" ? ScheduleKind.OneFOneB : ScheduleKind.GPipe;
}
