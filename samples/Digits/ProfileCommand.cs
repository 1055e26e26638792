using System.CommandLine;
using System.Globalization;
using HopSplit.Profiling;
using HopSplit.Runtime;
using HopSplit.Samples.Digits.Synthetic;
using TorchSharp;

namespace HopSplit.Samples.Digits;

/// <summary>
/// `digits profile`: measures every layer of DigitNet on this machine (forward and backward time, output
/// size, parameters) and writes the profile file the generator reads as an AdditionalFile.
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
        command.SetAction(parse =>
        {
            GlibcHeap.KeepLargeBlocks();
            torch.set_num_threads(1);
            using var scope = torch.NewDisposeScope();
            using var model = new DigitNet();
            var (images, _) = DigitTensors.ToTensors(SyntheticDigits.Generate(parse.GetValue(batch), seed: 3));
            var profile = LayerProfiler.Profile(model, DigitNet.Costs, images);
            var path = parse.GetValue(file)!.FullName;
            profile.Write(path);
            output.WriteLine($"This machine: {profile.MachineFlopsPerSecond / 1e9:F1} GFLOP/s on a dense matrix product ({profile.MachineDescription}).");
            output.WriteLine($"{"layer",-8} {"forward",12} {"backward",12} {"fwd FLOPs",12} {"analysed",12} {"output",8} {"params",8}");
            foreach (var layer in profile.Layers)
            {
                var analysed = DigitNet.Costs.Layers[layer.Index].ForwardFlops;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{layer.Name,-8} {layer.ForwardSeconds * 1e6,9:F2} us {layer.BackwardSeconds * 1e6,9:F2} us {layer.ForwardFlops,12:G4} {analysed,12:G4} {layer.OutputElements,8} {layer.Parameters,8}"));
            }
            output.WriteLine($"Per sample. Wrote {path}");
            return DigitsApp.Success;
        });
        return command;
    }
}
