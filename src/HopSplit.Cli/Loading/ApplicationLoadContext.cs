using System.Reflection;
using System.Runtime.Loader;

namespace HopSplit.Cli.Loading;

/// <summary>
/// Loads a user's compiled application with its own dependencies (HopSplit, TorchSharp and libtorch from the
/// application's folder, as its .deps.json lists them), apart from the tool's own assemblies.
/// </summary>
internal sealed class ApplicationLoadContext(string mainAssemblyPath) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(mainAssemblyPath))
{
    /// <summary>
    /// Assemblies the tool carries for applications that do not reference them. They are loaded into this context
    /// (the tool copies the dll next to itself without referencing it), so they bind to the application's HopSplit
    /// and TorchSharp; their own dependencies (gRPC, ASP.NET Core) fall back to the tool's copies.
    /// </summary>
    private static readonly string[] CarriedForApplications = ["HopSplit.Distributed"];

    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    /// <summary>True when the application's own .deps.json provides the assembly.</summary>
    public bool Provides(string assemblyName) => _resolver.ResolveAssemblyToPath(new AssemblyName(assemblyName)) is not null;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (_resolver.ResolveAssemblyToPath(assemblyName) is { } path) return LoadFromAssemblyPath(path);
        if (CarriedForApplications.Contains(assemblyName.Name) && Path.Combine(AppContext.BaseDirectory, assemblyName.Name + ".dll") is var carried
            && File.Exists(carried))
            return LoadFromAssemblyPath(carried);
        return null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
