namespace HopSplit.Samples.ModelZoo;

// The devices of a smart-camera deployment, from the camera that holds the images to a cloud GPU five hops
// away. Gflops is *effective training* throughput in FP32 (what a framework sustains on convolutions and
// matrix products, forward and backward), about a third to a half of the chips' peak; memory is what is
// left for training after the operating system and other services.

/// <summary>A smart camera with a Raspberry Pi 5 class SoC (four Cortex-A76 cores, about 100 GFLOP/s FP32 peak,
/// no GPU usable for training) and 4 GiB, half of it free.</summary>
[EdgeDevice(Gflops = 25, MemoryMiB = 2048, OverheadMs = 2)] public partial class SmartCamera { }

/// <summary>An industrial IoT gateway with four Cortex-A72 cores (about 30 GFLOP/s FP32 peak) and 4 GiB.</summary>
[EdgeDevice(Gflops = 8, MemoryMiB = 3072, OverheadMs = 1)] public partial class IotGateway { }

/// <summary>An on-premises edge server without a GPU: a 16-core Xeon with AVX-512 (about 1.5 TFLOP/s FP32 peak),
/// 16 GiB left for training.</summary>
[EdgeDevice(Gflops = 400, MemoryMiB = 16384, OverheadMs = 1)] public partial class EdgeServer { }

/// <summary>A regional (metro) data-centre server with an NVIDIA A10 (31 TFLOP/s FP32 peak, 24 GiB).</summary>
[EdgeDevice(Gflops = 10000, MemoryMiB = 20480, OverheadMs = 1)] public partial class RegionalServer { }

/// <summary>A cloud GPU: an NVIDIA A100 40 GB (19.5 TFLOP/s FP32 peak without TF32).</summary>
[EdgeDevice(Gflops = 12000, MemoryMiB = 36864, OverheadMs = 1)] public partial class CloudGpu { }

/// <summary>
/// Six nodes, five hops: camera - access point - gateway - edge - regional - cloud. The access point is a
/// relay (it forwards frames and never computes). Bandwidths are what one training flow gets, latencies one way:
/// <list type="bullet">
/// <item>camera - ap: Wi-Fi 5 on a busy floor, 150 Mbit/s, 3 ms;</item>
/// <item>ap - gateway: switched gigabit Ethernet, 940 Mbit/s after protocol overhead, 0.5 ms;</item>
/// <item>gateway - edge: the site's gigabit uplink shared with other traffic, 500 Mbit/s, 1 ms;</item>
/// <item>edge - regional: a metro fibre line, 1 Gbit/s, 5 ms;</item>
/// <item>regional - cloud: the wide-area Internet path, 300 Mbit/s, 25 ms.</item>
/// </list>
/// The faster the device, the farther and the more expensive it is to reach: raw images cannot leave the
/// camera, and what is worth sending over which hop depends on where the model's activations are small.
/// </summary>
[EdgeNetwork(Source = "camera")]
[Node("camera", typeof(SmartCamera)), Node("ap", typeof(Relay)), Node("gateway", typeof(IotGateway))]
[Node("edge", typeof(EdgeServer)), Node("regional", typeof(RegionalServer)), Node("cloud", typeof(CloudGpu))]
[Link("camera", "ap", Mbps = 150, LatencyMs = 3)]
[Link("ap", "gateway", Mbps = 940, LatencyMs = 0.5)]
[Link("gateway", "edge", Mbps = 500, LatencyMs = 1)]
[Link("edge", "regional", Mbps = 1000, LatencyMs = 5)]
[Link("regional", "cloud", Mbps = 300, LatencyMs = 25)]
public static partial class EdgeToCloud { }
