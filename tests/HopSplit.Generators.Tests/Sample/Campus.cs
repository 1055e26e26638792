// The example from the architecture sketch, compiled into this test project with the generator as an
// analyzer, so the tests below run the generated code.
namespace HopSplit.Generators.Tests.Sample;

[EdgeDevice(Gflops = 10, MemoryMiB = 2048, OverheadMs = 1)] public partial class Phone { }
[EdgeDevice(Gflops = 200, MemoryMiB = 65536)] public partial class CloudVm { }

[EdgeNetwork(Source = "phone")]
[Node("phone", typeof(Phone)), Node("ap", typeof(Relay)), Node("cloud", typeof(CloudVm))]
[Link("phone", "ap", Mbps = 100, LatencyMs = 2), Link("ap", "cloud", Mbps = 50, LatencyMs = 10)]
public static partial class Campus { }
