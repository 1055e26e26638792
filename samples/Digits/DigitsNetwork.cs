namespace HopSplit.Samples.Digits;

// The devices of the emulated network. Their speeds are far below what one core of the host reaches on
// DigitNet's layers (about 12-16 GFLOP/s for the whole model, more on the convolutions), so emulated
// compute times, not the host's two cores, set the pace of training.

/// <summary>A camera sensor that captures the digits: the data source, slow and small.</summary>
[EdgeDevice(Gflops = 0.2, MemoryMiB = 64, OverheadMs = 1)] public partial class Sensor { }

/// <summary>A wireless gateway with a modest CPU.</summary>
[EdgeDevice(Gflops = 0.4, MemoryMiB = 256, OverheadMs = 1)] public partial class Gateway { }

/// <summary>A small edge box in the building.</summary>
[EdgeDevice(Gflops = 0.6, MemoryMiB = 2048, OverheadMs = 1)] public partial class EdgeBox { }

/// <summary>A cloud server: the fastest device, behind the slowest and farthest link.</summary>
[EdgeDevice(Gflops = 2, MemoryMiB = 16384, OverheadMs = 2)] public partial class CloudServer { }

/// <summary>
/// The sample's four-node multi-hop network, a chain sensor - gateway - edge - cloud. Sending a mini-batch
/// of 64 over a hop costs as much as computing on the next device, so the planner's pipeline (the first
/// layers on the sensor, the second conv block on the gateway, the classifier on the edge box, eight
/// micro-batches of 8) is about twice as fast as sequential split learning; the cloud is too far to pay.
/// </summary>
[EdgeNetwork(Source = "sensor")]
[Node("sensor", typeof(Sensor)), Node("gateway", typeof(Gateway)), Node("edge", typeof(EdgeBox)), Node("cloud", typeof(CloudServer))]
[Link("sensor", "gateway", Mbps = 30, LatencyMs = 2)]
[Link("gateway", "edge", Mbps = 30, LatencyMs = 2)]
[Link("edge", "cloud", Mbps = 20, LatencyMs = 20)]
public static partial class DigitsNetwork { }
