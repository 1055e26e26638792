using System.Globalization;
using HopSplit.Planning;
using HopSplit.Runtime;
using Spectre.Console;

namespace HopSplit.Samples.Digits.Training;

/// <summary>
/// Shows the main job's progress: a live progress bar on a terminal, a line every so many steps when the
/// output is redirected (a log, a CI job), so both stay readable.
/// </summary>
public sealed class ConsoleProgress(IAnsiConsole console, TextWriter plain, bool interactive) : ITrainingProgress
{
    private const int LogEvery = 50;

    public void Planned(Plan plan, Plan sequential)
    {
        PlanPrinter.Write(plain, plan, sequential, DigitNet.Costs);
        plain.WriteLine();
    }

    public PipelineRunResult Run(string title, int steps, Func<Action<int, StepResult>, PipelineRunResult> work)
    {
        if (!interactive)
        {
            plain.WriteLine($"{title}: {steps} steps");
            return work((step, result) =>
            {
                if (step % LogEvery == 0 || step == steps)
                    plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {step,4}/{steps}  loss {result.Loss:F4}  step time {result.MakespanSeconds * 1e3:F1} ms"));
            });
        }
        PipelineRunResult? outcome = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: steps);
                outcome = work((step, result) =>
                {
                    task.Value = step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{title}  loss {result.Loss:F3}  {result.MakespanSeconds * 1e3:F0} ms/step");
                });
            });
        return outcome!;
    }
}
