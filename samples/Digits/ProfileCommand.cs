using System.CommandLine;
using HopSplit.Tooling;

namespace HopSplit.Samples.Digits;

/// <summary>
/// `digits profile`: measures every layer of DigitNet on this machine (forward and backward time, output
/// size, parameters) and writes the profile file the generator reads as an AdditionalFile; the same work as
/// `hopsplit profile --assembly digits.dll`, done from inside the application.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Option<FileInfo>("--out", "-o")
        {
            Description = "Where to write the profile. Add it to the project as <AdditionalFiles Include=\"DigitNet.hsprofile.json\" /> " +
                          "and the generator's cost table takes the measured numbers.",
            DefaultValueFactory = _ => new FileInfo("DigitNet.hsprofile.json"),
        };
        var batch = DigitsApp.PositiveInt("--batch", "Samples per measured pass.", 64);
        var command = new Command("profile", "Measure DigitNet's layers on this machine and write DigitNet.hsprofile.json.");
        command.Options.Add(file);
        command.Options.Add(batch);
        command.SetAction(parse => ModelTypeProfiler.Run(typeof(DigitNet).Assembly, nameof(DigitNet), parse.GetValue(batch),
            parse.GetValue(file)!.FullName, output, error));
        return command;
    }
}
