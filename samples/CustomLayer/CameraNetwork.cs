namespace HopSplit.Samples.CustomLayer;

/// <summary>A battery camera with a small ARM core (a Cortex-A53 class: about 1 GFLOP/s sustained in training) and 512 MiB free.</summary>
[EdgeDevice(Gflops = 1, MemoryMiB = 512, OverheadMs = 2)] public partial class BatteryCamera { }

/// <summary>An on-premises edge server without a GPU (a 16-core Xeon, 400 GFLOP/s sustained in training).</summary>
[EdgeDevice(Gflops = 400, MemoryMiB = 16384, OverheadMs = 1)] public partial class EdgeServer { }

/// <summary>
/// camera - ap - edge: the camera reaches the building's Wi-Fi access point (a relay) at 100 Mbit/s, 3 ms one
/// way, and the access point the edge server over gigabit Ethernet (940 Mbit/s, 0.5 ms).
/// </summary>
[EdgeNetwork(Source = "camera")]
[Node("camera", typeof(BatteryCamera)), Node("ap", typeof(Relay)), Node("edge", typeof(EdgeServer))]
[Link("camera", "ap", Mbps = 100, LatencyMs = 3)]
[Link("ap", "edge", Mbps = 940, LatencyMs = 0.5)]
public static partial class CameraNetwork { }
