using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Diagnostics;

/// <summary>
/// Every diagnostic HopSplit reports. IDs are stable and never reused: HS0001-HS0099 are reserved for
/// model/layer rules, HS0101 onwards are network rules. Each ID has a page under docs/diagnostics/.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "HopSplit.Network";

    private static string Help(string id) => $"docs/diagnostics/{id}.md";

    public static readonly DiagnosticDescriptor LinkUnknownNode = new(
        "HS0101", "Link names an unknown node",
        "Link endpoint '{0}' is not a [Node] of network '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Both ends of a [Link] must be ids declared with [Node] on the same class.", helpLinkUri: Help("HS0101"));

    public static readonly DiagnosticDescriptor SourceOrSinkNotNode = new(
        "HS0102", "Source or sink is missing or not a node",
        "{0} of network '{1}' {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "[EdgeNetwork] needs Source, and Source (and Sink when given) must be ids declared with [Node].", helpLinkUri: Help("HS0102"));

    public static readonly DiagnosticDescriptor DuplicateNodeId = new(
        "HS0103", "Duplicate node id",
        "Node id '{0}' is declared more than once in network '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Node ids must be unique within a network.", helpLinkUri: Help("HS0103"));

    public static readonly DiagnosticDescriptor NodeNotDevice = new(
        "HS0104", "Node device is not an [EdgeDevice]",
        "Type '{0}' of node '{1}' has no [EdgeDevice] attribute and is not HopSplit.Relay",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A [Node]'s device type must be a class marked [EdgeDevice], or HopSplit.Relay.", helpLinkUri: Help("HS0104"));

    public static readonly DiagnosticDescriptor InvalidValue = new(
        "HS0105", "Invalid device or link value",
        "{0} must be {1}, but is {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Gflops, MemoryMiB and Mbps must be positive; OverheadMs and LatencyMs must not be negative.", helpLinkUri: Help("HS0105"));

    public static readonly DiagnosticDescriptor SinkUnreachable = new(
        "HS0106", "Sink unreachable from the source",
        "Sink '{0}' cannot be reached from source '{1}' over the links of network '{2}'",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "No plan exists when data cannot flow from the source to the sink.", helpLinkUri: Help("HS0106"));
}
