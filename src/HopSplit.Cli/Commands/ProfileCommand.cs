using System.CommandLine;
using HopSplit.Cli.Loading;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit profile`: measures every layer of a [SplitModel] class in a built application on this machine
/// and writes the profile file the generator reads. The application's own HopSplit and libtorch do the work
/// (<c>HopSplit.Tooling.ModelTypeProfiler</c>), so the tool carries no libtorch of its own.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var assembly = new Option<FileInfo>("--assembly", "-a")
        {
            Description = "The built application (its .dll in the build output, next to its .deps.json and libtorch) that holds the model.",
            Required = true,
        };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "The [SplitModel] class, by simple or full name; optional when the application has only one.",
        };
        var batch = new Option<int>("--batch", "-b") { Description = "Samples per measured pass.", DefaultValueFactory = _ => 64 };
        var file = new Option<FileInfo?>("--out", "-o")
        {
            Description = "Where to write the profile. Default: <Model>.hsprofile.json in the current folder.",
        };
        var command = new Command("profile",
            "Measure every layer of a model (forward and backward time, output size, parameters) on this machine and write " +
            "the profile file (<Model>.hsprofile.json); add it to the project as an AdditionalFile and the generator's cost " +
            "table uses the measured numbers.");
        foreach (var option in new Option[] { assembly, model, batch, file }) command.Options.Add(option);
        command.SetAction(parse => ApplicationTool.Run(parse.GetValue(assembly)!, "ModelTypeProfiler",
            [parse.GetValue(model), parse.GetValue(batch), parse.GetValue(file)?.FullName, output, error], error));
        return command;
    }
}
