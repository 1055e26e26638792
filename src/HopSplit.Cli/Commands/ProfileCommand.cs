using System.CommandLine;
using System.Reflection;
using HopSplit.Cli.Loading;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit profile`: measures every layer of a [SplitModel] class in a built application on this machine
/// and writes the profile file the generator reads. The application's own HopSplit and libtorch do the work
/// (<c>HopSplit.Profiling.ModelTypeProfiler</c>), so the tool carries no libtorch of its own.
/// </summary>
internal static class ProfileCommand
{
    private const string ProfilerType = "HopSplit.Profiling.ModelTypeProfiler";

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
        command.SetAction(parse =>
        {
            var path = parse.GetValue(assembly)!.FullName;
            if (!File.Exists(path))
            {
                error.WriteLine($"error: --assembly: {path} does not exist; give the .dll in the application's build output");
                return ExitCodes.InvalidInput;
            }
            Assembly application;
            MethodInfo run;
            try
            {
                var context = new ApplicationLoadContext(path);
                application = context.LoadFromAssemblyPath(path);
                var hopSplit = context.LoadFromAssemblyName(new AssemblyName("HopSplit"));
                run = hopSplit.GetType(ProfilerType)?.GetMethod("Run")
                      ?? throw new InvalidOperationException($"its HopSplit assembly has no {ProfilerType}; update the HopSplit package");
            }
            catch (Exception e) when (e is BadImageFormatException or FileNotFoundException or FileLoadException or InvalidOperationException)
            {
                error.WriteLine($"error: --assembly: cannot profile {path}: {e.Message}");
                return ExitCodes.InvalidInput;
            }
            try
            {
                return (int)run.Invoke(null, [application, parse.GetValue(model), parse.GetValue(batch), parse.GetValue(file)?.FullName, output, error])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is DllNotFoundException or TypeInitializationException)
            {
                error.WriteLine($"error: libtorch could not be loaded from {Path.GetDirectoryName(path)}: {e.InnerException.Message} " +
                                "(does the application reference TorchSharp-cpu and set HopSplitFixTorchSharpNative on this Linux? see the README's troubleshooting)");
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }
}
