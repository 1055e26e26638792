using HopSplit.Generators.Networks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using System.Text;

namespace HopSplit.Generators;

/// <summary>
/// Generates <c>Profile</c> for every [EdgeDevice] class and <c>Network</c> for every [EdgeNetwork] class.
/// Malformed declarations produce no output; the analyzers report them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var devices = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.EdgeDeviceAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (ctx, ct) => Parser.ParseDevice(ctx, ct))
            .WithTrackingName(TrackingNames.DeviceExtraction)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.DeviceModels);

        var networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.EdgeNetworkAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (ctx, ct) => Parser.ParseNetwork(ctx, ct))
            .WithTrackingName(TrackingNames.NetworkExtraction)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.NetworkModels);

        context.RegisterSourceOutput(devices, static (spc, device) =>
            spc.AddSource(device.Target.HintName, SourceText.From(Emitter.EmitDevice(device), Encoding.UTF8)));
        context.RegisterSourceOutput(networks, static (spc, network) =>
            spc.AddSource(network.Target.HintName, SourceText.From(Emitter.EmitNetwork(network), Encoding.UTF8)));
    }
}
