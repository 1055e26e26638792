using System.CommandLine;
using HopSplit.Cli.Loading;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit costs`: a [SplitModel] class's generated cost table, from a built application, as MODEL.md's
/// model JSON, which `hopsplit plan --model` and `simulate --model` read.
/// </summary>
internal static class CostsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var assembly = new Option<FileInfo>("--assembly", "-a")
        {
            Description = "The built application (its .dll in the build output) that holds the model.",
            Required = true,
        };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "The [SplitModel] class, by simple or full name; optional when the application has only one.",
        };
        var file = new Option<FileInfo?>("--out", "-o") { Description = "Write the JSON to this file instead of standard output." };
        var command = new Command("costs",
            "Print a model's generated cost table (per layer: forward and backward FLOPs, output elements, parameters) as the " +
            "model JSON that plan and simulate read.");
        foreach (var option in new Option[] { assembly, model, file }) command.Options.Add(option);
        command.SetAction(parse => ApplicationTool.Run(parse.GetValue(assembly)!, "CostTableExport",
            [parse.GetValue(model), parse.GetValue(file)?.FullName, output, error], error));
        return command;
    }
}
