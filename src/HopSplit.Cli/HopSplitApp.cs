using System.CommandLine;
using System.Text.Json.Nodes;
using HopSplit.Cli.Commands;
using HopSplit.Cli.Rendering;

namespace HopSplit.Cli;

/// <summary>The hopsplit command line: plan and simulate pipelined split learning.</summary>
public static class HopSplitApp
{
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "HopSplit plans pipelined split learning over multi-hop edge networks: where to cut a model, " +
            "which nodes run each part, and the micro-batch size that trains fastest; then trains with the plan, " +
            "in one process over an emulated network or on worker processes over gRPC.");
        root.Subcommands.Add(PlanCommand.Create(output, error));
        root.Subcommands.Add(SimulateCommand.Create(output, error));
        root.Subcommands.Add(ProfileCommand.Create(output, error));
        root.Subcommands.Add(CostsCommand.Create(output, error));
        root.Subcommands.Add(WhatIfCommand.Create(output, error));
        root.Subcommands.Add(TrainCommand.Create(output, error));
        root.Subcommands.Add(WorkerCommand.Create(output, error));
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Build(output, error).Parse(args);
        if (parse.Errors.Count > 0 && args.Contains("--json"))
        {
            // A script asked for JSON: give it the parse errors as JSON too, not the help text.
            var message = string.Join("; ", parse.Errors.Select(e => e.Message));
            output.WriteLine(new JsonObject { ["error"] = message }.ToJsonString(JsonOutput.Options));
            error.WriteLine("error: " + message);
            return ExitCodes.InvalidInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
