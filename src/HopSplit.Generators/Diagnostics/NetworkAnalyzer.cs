using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using HopSplit.Generators.Networks;
using HopSplit.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HopSplit.Generators.Diagnostics;

/// <summary>Reports what makes an [EdgeDevice] or [EdgeNetwork] declaration unusable (the generator then emits nothing).</summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.LinkUnknownNode, DiagnosticDescriptors.SourceOrSinkNotNode, DiagnosticDescriptors.DuplicateNodeId,
        DiagnosticDescriptors.NodeNotDevice, DiagnosticDescriptors.InvalidValue, DiagnosticDescriptors.SinkUnreachable);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = type.GetAttributes();
        foreach (var device in attributes.Where(a => a.Is(Parser.EdgeDeviceAttribute)))
        {
            CheckValue(context, device, "Gflops", positive: true, required: true);
            CheckValue(context, device, "MemoryMiB", positive: true, required: true);
            CheckValue(context, device, "OverheadMs", positive: false, required: false);
        }
        var network = attributes.FirstOrDefault(a => a.Is(Parser.EdgeNetworkAttribute));
        if (network is null) return;

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in attributes.Where(a => a.Is(Parser.NodeAttribute)))
        {
            if (node.ConstructorArguments.Length != 2) continue;
            if (node.ConstructorArguments[0].Value is string id && !ids.Add(id))
                Report(context, DiagnosticDescriptors.DuplicateNodeId, node.Argument(0), id, type.Name);
            if (node.ConstructorArguments[1].Value is INamedTypeSymbol device
                && device.TypeKind != TypeKind.Error
                && device.ToDisplayString() != Parser.Relay
                && !device.GetAttributes().Any(a => a.Is(Parser.EdgeDeviceAttribute)))
            {
                Report(context, DiagnosticDescriptors.NodeNotDevice, node.Argument(1), device.ToDisplayString(),
                    node.ConstructorArguments[0].Value as string ?? "?");
            }
        }

        var source = network.Named("Source")?.Value as string;
        var sink = network.Named("Sink")?.Value as string;
        if (source is null)
            Report(context, DiagnosticDescriptors.SourceOrSinkNotNode, network.NamedLocation("Source"), "Source", type.Name, "is missing");
        else if (!ids.Contains(source))
            Report(context, DiagnosticDescriptors.SourceOrSinkNotNode, network.NamedLocation("Source"), "Source", type.Name, $"'{source}' is not a [Node]");
        if (sink is not null && !ids.Contains(sink))
            Report(context, DiagnosticDescriptors.SourceOrSinkNotNode, network.NamedLocation("Sink"), "Sink", type.Name, $"'{sink}' is not a [Node]");

        var edges = new List<(string From, string To, bool Directed)>();
        var linksOk = true;
        foreach (var link in attributes.Where(a => a.Is(Parser.LinkAttribute)))
        {
            if (link.ConstructorArguments.Length != 2) { linksOk = false; continue; }
            for (var i = 0; i < 2; i++)
            {
                if (link.ConstructorArguments[i].Value is string end && !ids.Contains(end))
                {
                    Report(context, DiagnosticDescriptors.LinkUnknownNode, link.Argument(i), end, type.Name);
                    linksOk = false;
                }
            }
            CheckValue(context, link, "Mbps", positive: true, required: true);
            CheckValue(context, link, "LatencyMs", positive: false, required: false);
            if (link.ConstructorArguments[0].Value is string from && link.ConstructorArguments[1].Value is string to)
                edges.Add((from, to, link.Named("Directed")?.Value is true));
        }

        if (linksOk && source is not null && sink is not null && ids.Contains(source) && ids.Contains(sink) && !Reaches(source, sink, edges))
            Report(context, DiagnosticDescriptors.SinkUnreachable, network.NamedLocation("Sink"), sink, source, type.Name);
    }

    private static bool Reaches(string source, string sink, List<(string From, string To, bool Directed)> edges)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { source };
        var queue = new Queue<string>();
        queue.Enqueue(source);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            if (at == sink) return true;
            foreach (var (from, to, directed) in edges)
            {
                if (from == at && seen.Add(to)) queue.Enqueue(to);
                if (!directed && to == at && seen.Add(from)) queue.Enqueue(from);
            }
        }
        return false;
    }

    private static void CheckValue(SymbolAnalysisContext context, AttributeData attribute, string name, bool positive, bool required)
    {
        var constant = attribute.Named(name);
        double? value = constant?.Value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            _ => null,
        };
        if (constant is null && !required) return;
        var v = value ?? 0;
        var ok = positive ? v > 0 : v >= 0;
        if (ok && !double.IsInfinity(v)) return;
        Report(context, DiagnosticDescriptors.InvalidValue, attribute.NamedLocation(name), name,
            positive ? "a positive finite number" : "a finite number >= 0",
            constant is null ? "missing" : v.ToString("R", CultureInfo.InvariantCulture));
    }

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, Location? location, params object[] args)
    {
        if (location is null || !location.IsInSource) return;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, location, args));
    }
}
