using System.CommandLine;
using System.Globalization;
using HopSplit.Cli.Rendering;
using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using Spectre.Console;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit simulate`: plans, then runs the plan through the discrete-event simulator under both
/// schedules and prints the planning formula against the simulated makespan and the physical lower
/// bound, and writes the chosen schedule's timeline as a Chrome trace.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var inputs = new PlanningInputs();
        var trace = new Option<FileInfo?>("--trace", "-t")
        {
            Description = "Where to write the --schedule's timeline as Chrome trace JSON (open it in Perfetto). " +
                          "Default: <model name>.<schedule>.trace.json in the current folder.",
        };
        var command = new Command("simulate",
            "Plan, then simulate the plan task by task under gpipe and 1f1b: compare the planning formula T with the " +
            "simulated makespan and the physical lower bound, per schedule, and write the timeline as a Chrome trace.");
        inputs.AddTo(command);
        command.Options.Add(trace);
        command.SetAction(parse => CommandErrors.Run(output, error, parse.GetValue(inputs.Json), () =>
        {
            var (problem, options) = inputs.Read(parse);
            var plan = HopSplit.Planning.Planner.Plan(problem, options);
            // Real micro-batch sizes: the last one is smaller when b does not divide B.
            var workload = PipelineWorkload.FromPlan(problem, plan);
            var bound = PipelineLowerBound.Of(workload);
            var runs = new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB }
                .Select(schedule => PipelineSimulator.Run(workload, schedule))
                .ToArray();
            var chosen = runs.Single(r => r.Schedule == problem.Job.Schedule);
            var tracePath = parse.GetValue(trace)?.FullName
                            ?? Path.GetFullPath($"{problem.Model.Name}.{ScheduleNames.Name(chosen.Schedule)}.trace.json");
            ChromeTraceWriter.Write(chosen, tracePath);

            if (parse.GetValue(inputs.Json))
            {
                output.WriteLine(JsonOutput.Serialize(new
                {
                    plan = new PlanReport(plan, null).ToJson(),
                    formulaSeconds = plan.LatencySeconds,
                    lowerBoundSeconds = bound.Seconds,
                    schedules = runs.Select(r => new
                    {
                        schedule = ScheduleNames.Name(r.Schedule),
                        makespanSeconds = r.MakespanSeconds,
                        resources = r.Resources.Select(u => new { resource = u.ResourceName, busySeconds = u.BusySeconds, idleSeconds = u.IdleSeconds, utilization = u.Utilization }),
                    }),
                    trace = tracePath,
                }));
                return ExitCodes.Success;
            }

            var console = Consoles.For(output);
            PlanTable.Write(console, new PlanReport(plan, null), problem.Model);
            console.WriteLine();
            var table = new Table().Title("Formula vs simulation (one mini-batch)")
                .AddColumns("Schedule", "Formula T", "Simulated makespan", "Lower bound", "Simulated / formula", "Simulated / bound");
            foreach (var run in runs)
            {
                table.AddRow(ScheduleNames.Name(run.Schedule), PlanTable.Seconds(plan.LatencySeconds), PlanTable.Seconds(run.MakespanSeconds),
                    PlanTable.Seconds(bound.Seconds), Ratio(run.MakespanSeconds / plan.LatencySeconds), Ratio(run.MakespanSeconds / bound.Seconds));
            }
            console.Write(table);
            var usage = new Table().Title($"Resources under {ScheduleNames.Name(chosen.Schedule)}").AddColumns("Resource", "Busy", "Idle", "Utilization");
            foreach (var resource in chosen.Resources)
            {
                usage.AddRow(Markup.Escape(resource.ResourceName), PlanTable.Milliseconds(resource.BusySeconds),
                    PlanTable.Milliseconds(resource.IdleSeconds), resource.Utilization.ToString("P1", CultureInfo.InvariantCulture));
            }
            console.Write(usage);
            console.MarkupLine($"Lower bound set by {Markup.Escape(BoundReason(bound, workload))}.");
            console.MarkupLine($"Timeline written to [bold]{Markup.Escape(tracePath)}[/] (open it in Perfetto or chrome://tracing).");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Ratio(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string BoundReason(PipelineLowerBound bound, PipelineWorkload workload) =>
        bound.BindingTerm == LowerBoundTerm.RoundTrip || bound.BindingStage is null
            ? "one micro-batch's round trip through every stage"
            : $"the work of {workload.Stages[bound.BindingStage.Value].ResourceName} plus the time to reach it and return";
}
