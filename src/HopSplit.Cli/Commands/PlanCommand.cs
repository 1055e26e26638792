using System.CommandLine;
using HopSplit.Cli.Rendering;
using HopSplit.Planning;
using Spectre.Console;

namespace HopSplit.Cli.Commands;

/// <summary>`hopsplit plan`: the optimal plan (or a baseline's) for a model on a network.</summary>
internal static class PlanCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var inputs = new PlanningInputs();
        var command = new Command("plan",
            "Find where to cut the model, which nodes run each part and the micro-batch size, and print the plan " +
            "with its predicted time per mini-batch and the speedup over sequential split learning.");
        inputs.AddTo(command);
        command.SetAction(parse => CommandErrors.Run(output, error, parse.GetValue(inputs.Json), () =>
        {
            var (problem, options) = inputs.Read(parse);
            var plan = HopSplit.Planning.Planner.Plan(problem, options);
            var sequential = options.Algorithm == PlanningAlgorithm.Sequential
                ? plan
                : HopSplit.Planning.Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
            var report = new PlanReport(plan, sequential);
            if (parse.GetValue(inputs.Json))
                output.WriteLine(JsonOutput.Serialize(report.ToJson()));
            else
                PlanTable.Write(Consoles.For(output), report, problem.Model);
            return ExitCodes.Success;
        }));
        return command;
    }
}
