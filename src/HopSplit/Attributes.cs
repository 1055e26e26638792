namespace HopSplit;

/// <summary>
/// Declares a class as an edge device. The generator adds a static <c>Profile</c> property
/// (a <see cref="DeviceProfile"/>) to the class, which must be <c>partial</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EdgeDeviceAttribute : Attribute
{
    /// <summary>Effective training throughput in GFLOP/s (10^9 FLOP/s); must be positive.</summary>
    public double Gflops { get; set; }

    /// <summary>Memory available for training in MiB (2^20 bytes); must be positive.</summary>
    public double MemoryMiB { get; set; }

    /// <summary>Fixed cost of one compute pass in milliseconds; must not be negative.</summary>
    public double OverheadMs { get; set; }
}

/// <summary>
/// Declares a static partial class as a network of edge devices. Combine with <see cref="NodeAttribute"/>
/// and <see cref="LinkAttribute"/>; the generator adds a static <c>Network</c> property
/// (a <see cref="Planning.Model.Network"/>) that the planner takes directly.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EdgeNetworkAttribute : Attribute
{
    /// <summary>Id of the node that holds the data (required; must name a <see cref="NodeAttribute"/>).</summary>
    public string? Source { get; set; }

    /// <summary>Optional id of the node that holds the labels and the last layers.</summary>
    public string? Sink { get; set; }
}

/// <summary>A node of an <see cref="EdgeNetworkAttribute"/> network.</summary>
/// <param name="id">Unique node id within the network.</param>
/// <param name="device">A class marked with <see cref="EdgeDeviceAttribute"/>, or <see cref="Relay"/>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class NodeAttribute(string id, Type device) : Attribute
{
    /// <summary>Unique node id within the network.</summary>
    public string Id { get; } = id;

    /// <summary>The device class of this node (an <see cref="EdgeDeviceAttribute"/> class or <see cref="Relay"/>).</summary>
    public Type Device { get; } = device;
}

/// <summary>A link between two nodes of an <see cref="EdgeNetworkAttribute"/> network; undirected unless <see cref="Directed"/>.</summary>
/// <param name="from">Id of the first node.</param>
/// <param name="to">Id of the second node.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinkAttribute(string from, string to) : Attribute
{
    /// <summary>Id of the first node.</summary>
    public string From { get; } = from;

    /// <summary>Id of the second node.</summary>
    public string To { get; } = to;

    /// <summary>Bandwidth in Mbit/s (10^6 bit/s); must be positive.</summary>
    public double Mbps { get; set; }

    /// <summary>One-way latency in milliseconds; must not be negative.</summary>
    public double LatencyMs { get; set; }

    /// <summary>True when data only flows from <see cref="From"/> to <see cref="To"/>.</summary>
    public bool Directed { get; set; }
}
