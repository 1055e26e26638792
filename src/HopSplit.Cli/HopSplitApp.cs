using System.CommandLine;
using HopSplit.Cli.Commands;

namespace HopSplit.Cli;

/// <summary>The hopsplit command line: plan and simulate pipelined split learning.</summary>
public static class HopSplitApp
{
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "HopSplit plans pipelined split learning over multi-hop edge networks: where to cut a model, " +
            "which nodes run each part, and the micro-batch size that trains fastest.");
        root.Subcommands.Add(PlanCommand.Create(output, error));
        root.Subcommands.Add(SimulateCommand.Create(output, error));
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output, error);
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
