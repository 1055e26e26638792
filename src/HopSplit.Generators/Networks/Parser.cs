using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Networks;

/// <summary>
/// Turns attributed symbols into value models. Returns null for anything malformed: the generator then
/// emits nothing for that type and the analyzers explain why. Never throws (except on cancellation).
/// </summary>
internal static class Parser
{
    public const string EdgeDeviceAttribute = "HopSplit.EdgeDeviceAttribute";
    public const string EdgeNetworkAttribute = "HopSplit.EdgeNetworkAttribute";
    public const string NodeAttribute = "HopSplit.NodeAttribute";
    public const string LinkAttribute = "HopSplit.LinkAttribute";
    public const string Relay = "HopSplit.Relay";

    public const double FlopsPerGflop = 1e9;
    public const double BytesPerMiB = 1048576;
    public const double BitsPerMbit = 1e6;
    public const double MsPerSecond = 1000;

    public static DeviceModel? ParseDevice(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol type) return null;
        var target = GetTarget(type);
        if (target is null) return null;
        // A class that is both a device and a network would need two files with one hint name.
        if (HasAttribute(type, EdgeNetworkAttribute)) return null;
        var profile = ReadDeviceProfile(type);
        return profile is { } p ? new DeviceModel(target, p.Flops, p.MemoryBytes, p.OverheadSeconds) : null;
    }

    public static NetworkModel? ParseNetwork(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol type) return null;
        var target = GetTarget(type);
        if (target is null || HasAttribute(type, EdgeDeviceAttribute)) return null;

        var networks = Attributes(type, EdgeNetworkAttribute);
        if (networks.Length != 1) return null;
        var network = networks[0];
        if (!TryNamedString(network, "Source", out var source) || source is null) return null;
        if (!TryNamedString(network, "Sink", out var sink)) return null;

        var nodes = new List<NodeModel>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Attributes(type, NodeAttribute))
        {
            ct.ThrowIfCancellationRequested();
            if (node.ConstructorArguments.Length != 2) return null;
            if (node.ConstructorArguments[0].Value is not string id || !ids.Add(id)) return null;
            if (node.ConstructorArguments[1].Kind != TypedConstantKind.Type
                || node.ConstructorArguments[1].Value is not INamedTypeSymbol device) return null;
            var profile = FullName(device) == Relay ? (0d, 0d, 0d) : ReadDeviceProfile(device);
            if (profile is not { } p) return null;
            nodes.Add(new NodeModel(id, p.Flops, p.MemoryBytes, p.OverheadSeconds));
        }
        if (!ids.Contains(source) || (sink is not null && !ids.Contains(sink))) return null;

        var links = new List<LinkModel>();
        foreach (var link in Attributes(type, LinkAttribute))
        {
            ct.ThrowIfCancellationRequested();
            if (link.ConstructorArguments.Length != 2
                || link.ConstructorArguments[0].Value is not string from
                || link.ConstructorArguments[1].Value is not string to
                || !ids.Contains(from) || !ids.Contains(to)) return null;
            if (!TryNamedDouble(link, "Mbps", 0, out var mbps) || !(mbps > 0)) return null;
            if (!TryNamedDouble(link, "LatencyMs", 0, out var latencyMs) || !(latencyMs >= 0)) return null;
            if (!TryNamedBool(link, "Directed", out var directed)) return null;
            links.Add(new LinkModel(from, to, mbps * BitsPerMbit, latencyMs / MsPerSecond, directed));
        }

        return new NetworkModel(target, new(nodes.ToArray()), new(links.ToArray()), source, sink);
    }

    /// <summary>The device's EdgeDevice values in SI units, or null when missing or invalid.</summary>
    private static (double Flops, double MemoryBytes, double OverheadSeconds)? ReadDeviceProfile(INamedTypeSymbol type)
    {
        var attributes = Attributes(type, EdgeDeviceAttribute);
        if (attributes.Length != 1) return null;
        var attribute = attributes[0];
        if (!TryNamedDouble(attribute, "Gflops", 0, out var gflops) || !(gflops > 0)) return null;
        if (!TryNamedDouble(attribute, "MemoryMiB", 0, out var mib) || !(mib > 0)) return null;
        if (!TryNamedDouble(attribute, "OverheadMs", 0, out var ms) || !(ms >= 0)) return null;
        var flops = gflops * FlopsPerGflop;
        var bytes = mib * BytesPerMiB;
        if (double.IsInfinity(flops) || double.IsInfinity(bytes) || double.IsInfinity(ms)) return null;
        return (flops, bytes, ms / MsPerSecond);
    }

    internal static TypeTarget? GetTarget(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsGenericType) return null;
        var containers = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType) return null;
            var keyword = outer.TypeKind switch
            {
                TypeKind.Class => outer.IsRecord ? "record" : "class",
                TypeKind.Struct => outer.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => null,
            };
            if (keyword is null) return null;
            containers.Insert(0, $"partial {keyword} {Escape(outer.Name)}");
        }
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n
            ? string.Join(".", n.ToDisplayParts().Where(p => p.Kind == SymbolDisplayPartKind.NamespaceName).Select(p => Escape(p.ToString())))
            : "";
        var hint = FullName(type).Replace('+', '.') + ".g.cs";
        return new TypeTarget(ns, new(containers.ToArray()), $"partial class {Escape(type.Name)}", hint);
    }

    internal static string FullName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            name = outer.MetadataName + "+" + name;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    private static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    private static bool HasAttribute(INamedTypeSymbol type, string fullName) => Attributes(type, fullName).Length > 0;

    private static ImmutableArray<AttributeData> Attributes(INamedTypeSymbol type, string fullName) =>
        type.GetAttributes().Where(a => a.AttributeClass is { } c && FullName(c) == fullName).ToImmutableArray();

    private static bool TryNamed(AttributeData attribute, string name, out TypedConstant value)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name)
            {
                value = pair.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static bool TryNamedDouble(AttributeData attribute, string name, double fallback, out double value)
    {
        value = fallback;
        if (!TryNamed(attribute, name, out var constant)) return true;
        if (constant.Kind != TypedConstantKind.Primitive) return false;
        switch (constant.Value)
        {
            case double d: value = d; break;
            case float f: value = f; break;
            case int i: value = i; break;
            case long l: value = l; break;
            default: return false;
        }
        return !double.IsNaN(value) && !double.IsInfinity(value);
    }

    private static bool TryNamedString(AttributeData attribute, string name, out string? value)
    {
        value = null;
        if (!TryNamed(attribute, name, out var constant)) return true;
        if (constant.Kind != TypedConstantKind.Primitive || constant.Value is not (string or null)) return false;
        value = (string?)constant.Value;
        return true;
    }

    private static bool TryNamedBool(AttributeData attribute, string name, out bool value)
    {
        value = false;
        if (!TryNamed(attribute, name, out var constant)) return true;
        if (constant.Value is not bool b) return false;
        value = b;
        return true;
    }
}
