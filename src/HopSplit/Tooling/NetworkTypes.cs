using System.Reflection;
using HopSplit.Planning.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Tooling;

/// <summary>The network a tool plans on: a JSON file, or an [EdgeNetwork] class's generated <c>Network</c>.</summary>
public static class NetworkTypes
{
    /// <summary>
    /// The network of <paramref name="file"/> when given, else of the [EdgeNetwork] class named <paramref name="typeName"/>,
    /// else of the application's only [EdgeNetwork] class.
    /// </summary>
    /// <exception cref="ToolInputException">The file is invalid, or the class is missing or ambiguous; the message says which.</exception>
    public static Network Load(Assembly assembly, string? file, string? typeName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (file is not null && typeName is not null)
            throw new ToolInputException("--network and --network-type both given; use one");
        if (file is not null)
        {
            try
            {
                return PlanningFiles.LoadNetwork(file);
            }
            catch (InvalidInputException e)
            {
                throw new ToolInputException($"--network: {e.Origin}: {string.Join("; ", e.Errors)}");
            }
        }
        var networks = ModelTypes.LoadableTypes(assembly)
            .Where(t => t.GetCustomAttribute<EdgeNetworkAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        var list = networks.Length == 0 ? "none" : string.Join(", ", networks.Select(t => t.FullName));
        var app = assembly.GetName().Name;
        Type type;
        if (typeName is null)
        {
            if (networks.Length != 1)
                throw new ToolInputException($"--network: {app} has {networks.Length} [EdgeNetwork] classes ({list}); give --network FILE or --network-type NAME");
            type = networks[0];
        }
        else
        {
            type = networks.FirstOrDefault(t => t.FullName == typeName) ?? networks.FirstOrDefault(t => t.Name == typeName)
                   ?? throw new ToolInputException($"--network-type: {app} has no [EdgeNetwork] class named '{typeName}' (it has: {list})");
        }
        return type.GetProperty("Network", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as Network
               ?? throw new ToolInputException($"--network-type: {type.FullName} has no generated Network: fix the build's HS01xx diagnostics");
    }
}
