using HopSplit.Generators.Helpers;

namespace HopSplit.Generators.Networks;

/// <summary>Where generated members go: namespace, enclosing type declarations and the type itself.</summary>
/// <param name="Namespace">The containing namespace, already escaped; empty for the global namespace.</param>
/// <param name="Containers">Declarations of enclosing types, outermost first (e.g. "partial class Outer").</param>
/// <param name="Declaration">The target's own declaration (e.g. "partial class Phone").</param>
/// <param name="HintName">Output file name: Namespace.Outer.Type.g.cs.</param>
internal sealed record TypeTarget(string Namespace, EquatableArray<string> Containers, string Declaration, string HintName);

/// <summary>A device class and its profile in SI units.</summary>
internal sealed record DeviceModel(TypeTarget Target, double Flops, double MemoryBytes, double OverheadSeconds);

internal sealed record NodeModel(string Id, double Flops, double MemoryBytes, double OverheadSeconds);

internal sealed record LinkModel(string From, string To, double BitsPerSecond, double LatencySeconds, bool Directed);

/// <summary>A network class with every node's device values resolved.</summary>
internal sealed record NetworkModel(
    TypeTarget Target,
    EquatableArray<NodeModel> Nodes,
    EquatableArray<LinkModel> Links,
    string Source,
    string? Sink);
