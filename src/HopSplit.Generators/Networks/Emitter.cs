using HopSplit.Generators.Helpers;
using static HopSplit.Generators.Helpers.GeneratedType;

namespace HopSplit.Generators.Networks;

/// <summary>Writes the generated source for device and network models.</summary>
internal static class Emitter
{
    private const string Profile = "global::HopSplit.DeviceProfile";
    private const string Network = "global::HopSplit.Planning.Model.Network";
    private const string Node = "global::HopSplit.Planning.Model.NetworkNode";
    private const string Link = "global::HopSplit.Planning.Model.NetworkLink";

    public static string EmitDevice(DeviceModel device)
    {
        var writer = Begin(device.Target);
        writer.WriteLine("/// <summary>This device's profile (generated from its [EdgeDevice] attribute).</summary>");
        writer.WriteLine($"public static {Profile} Profile {{ get; }} = new({Number(device.Flops)}, {Number(device.MemoryBytes)}, {Number(device.OverheadSeconds)});");
        return End(writer, device.Target);
    }

    public static string EmitNetwork(NetworkModel network)
    {
        var writer = Begin(network.Target);
        writer.WriteLine("/// <summary>This network (generated from its [EdgeNetwork], [Node] and [Link] attributes).</summary>");
        writer.Open($"public static {Network} Network {{ get; }} = new(");
        writer.WriteLine($"new {Node}[]").Open();
        foreach (var node in network.Nodes)
            writer.WriteLine($"new({Literal(node.Id)}, {Number(node.Flops)}, {Number(node.MemoryBytes)}, {Number(node.OverheadSeconds)}),");
        writer.Close("},");
        writer.WriteLine($"new {Link}[]").Open();
        foreach (var link in network.Links)
            writer.WriteLine($"new({Literal(link.From)}, {Literal(link.To)}, {Number(link.BitsPerSecond)}, {Number(link.LatencySeconds)}, {(link.Directed ? "true" : "false")}),");
        writer.Close("},");
        writer.WriteLine($"{Literal(network.Source)},");
        writer.WriteLine(network.Sink is null ? "null);" : $"{Literal(network.Sink)});");
        writer.Dedent();
        return End(writer, network.Target);
    }
}
