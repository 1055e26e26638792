using HopSplit.Planning.Model;

namespace HopSplit;

/// <summary>What the planner needs to know about a device, in SI units.</summary>
/// <param name="Flops">Effective training FLOP/s; 0 for a relay.</param>
/// <param name="MemoryBytes">Memory available for parameters, optimizer state and activations, in bytes.</param>
/// <param name="OverheadSeconds">Fixed cost of one compute pass, in seconds.</param>
public sealed record DeviceProfile(double Flops, double MemoryBytes, double OverheadSeconds)
{
    /// <summary>A network node with this profile.</summary>
    /// <param name="id">The node id.</param>
    public NetworkNode ToNode(string id) => new(id, Flops, MemoryBytes, OverheadSeconds);
}
