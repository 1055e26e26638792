using System.Reflection;
using HopSplit.Training;

namespace HopSplit.Tooling;

/// <summary>Finds the <see cref="ITrainingData"/> class of a compiled application and creates it.</summary>
public static class TrainingDataTypes
{
    /// <summary>The class named <paramref name="name"/> (simple or full name), or the only one when null, created with its parameterless constructor.</summary>
    /// <exception cref="ToolInputException">None, several or no such class; the message lists the classes there are.</exception>
    public static ITrainingData Create(Assembly assembly, string? name)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var candidates = ModelTypes.LoadableTypes(assembly)
            .Where(t => typeof(ITrainingData).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false, IsPublic: true })
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        var list = candidates.Length == 0 ? "none" : string.Join(", ", candidates.Select(t => t.FullName));
        var app = assembly.GetName().Name;
        Type type;
        if (name is null)
        {
            if (candidates.Length != 1)
            {
                throw new ToolInputException(candidates.Length == 0
                    ? $"--data: {app} has no public class implementing HopSplit.Training.ITrainingData; add one that gives numbered mini-batches (see docs/cli.md#train)"
                    : $"--data: {app} has {candidates.Length} ITrainingData classes ({list}); name one with --data");
            }
            type = candidates[0];
        }
        else
        {
            type = candidates.FirstOrDefault(t => t.FullName == name) ?? candidates.FirstOrDefault(t => t.Name == name)
                   ?? throw new ToolInputException($"--data: {app} has no ITrainingData class named '{name}' (it has: {list})");
        }
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new ToolInputException($"--data: {type.FullName} has no public parameterless constructor, so the tool cannot create it; add one");
        try
        {
            return (ITrainingData)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ToolInputException($"--data: creating {type.FullName} failed: {inner.Message}");
        }
    }
}
