namespace HopSplit;

/// <summary>
/// The built-in device of a node that only forwards data (an access point, a switch): it has no compute
/// (flops 0) and no memory for training.
/// </summary>
public sealed class Relay
{
    private Relay() { }

    /// <summary>The relay profile: no compute, no memory, no overhead.</summary>
    public static DeviceProfile Profile { get; } = new(0, 0, 0);
}
