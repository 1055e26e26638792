using Spectre.Console;

namespace HopSplit.Cli.Rendering;

/// <summary>A Spectre console over any writer: colours on a terminal, plain text when redirected.</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter writer)
    {
        var terminal = writer == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // Redirected output (files, CI logs) has no width to detect: use one that fits the tables.
        if (!terminal) console.Profile.Width = 120;
        return console;
    }
}
