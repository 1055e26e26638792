using System.CommandLine;

namespace HopSplit.Cli.Commands;

/// <summary>The flags of the commands that work on a built application: which one, and which model in it.</summary>
internal sealed class ApplicationOptions
{
    public Option<FileInfo> Assembly { get; } = new("--assembly", "-a")
    {
        Description = "The built application (its .dll in the build output, next to its .deps.json and libtorch) that holds the model.",
        Required = true,
    };

    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "The [SplitModel] class, by simple or full name; optional when the application has only one.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Assembly);
        command.Options.Add(Model);
    }
}
