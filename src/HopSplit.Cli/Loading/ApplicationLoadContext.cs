using System.Reflection;
using System.Runtime.Loader;

namespace HopSplit.Cli.Loading;

/// <summary>
/// Loads a user's compiled application with its own dependencies (HopSplit, TorchSharp and libtorch from the
/// application's folder, as its .deps.json lists them), apart from the tool's own assemblies.
/// </summary>
internal sealed class ApplicationLoadContext(string mainAssemblyPath) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(mainAssemblyPath))
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
