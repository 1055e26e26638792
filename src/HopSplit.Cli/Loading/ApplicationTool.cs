using System.Reflection;

namespace HopSplit.Cli.Loading;

/// <summary>
/// Runs one of HopSplit's tool entry points (a static <c>Run</c> method in the <c>HopSplit.Tooling</c>
/// namespace) inside a user's built application, with that application's own HopSplit, TorchSharp and
/// libtorch, so the tool needs none of them and versions always match.
/// </summary>
internal static class ApplicationTool
{
    /// <summary>Loads the application and calls <c>HopSplit.Tooling.{entryPoint}.Run(application, ...arguments)</c>.</summary>
    /// <returns>The entry point's exit code, or <see cref="ExitCodes.InvalidInput"/> with the reason on <paramref name="error"/>.</returns>
    public static int Run(FileInfo assembly, string entryPoint, object?[] arguments, TextWriter error)
    {
        var path = assembly.FullName;
        if (!File.Exists(path))
        {
            error.WriteLine($"error: --assembly: {path} does not exist; give the .dll in the application's build output");
            return ExitCodes.InvalidInput;
        }
        Assembly application;
        MethodInfo run;
        var typeName = "HopSplit.Tooling." + entryPoint;
        try
        {
            var context = new ApplicationLoadContext(path);
            application = context.LoadFromAssemblyPath(path);
            var hopSplit = context.LoadFromAssemblyName(new AssemblyName("HopSplit"));
            run = hopSplit.GetType(typeName)?.GetMethod("Run")
                  ?? throw new InvalidOperationException($"its HopSplit assembly has no {typeName}; update the HopSplit package");
        }
        catch (Exception e) when (e is BadImageFormatException or FileNotFoundException or FileLoadException or InvalidOperationException)
        {
            error.WriteLine($"error: --assembly: cannot use {path}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        try
        {
            return (int)run.Invoke(null, [application, .. arguments])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is DllNotFoundException or TypeInitializationException)
        {
            error.WriteLine($"error: libtorch could not be loaded from {Path.GetDirectoryName(path)}: {e.InnerException.Message} " +
                            "(does the application reference TorchSharp-cpu? see docs/troubleshooting.md)");
            return ExitCodes.InvalidInput;
        }
    }
}
