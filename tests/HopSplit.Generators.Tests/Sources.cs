namespace HopSplit.Generators.Tests;

/// <summary>Input programs shared by the generator tests.</summary>
internal static class Sources
{
    public const string Devices = """
        using HopSplit;

        namespace Demo;

        [EdgeDevice(Gflops = 10, MemoryMiB = 2048, OverheadMs = 1)] public partial class Phone { }
        [EdgeDevice(Gflops = 200, MemoryMiB = 65536)] public partial class CloudVm { }
        """;

    public const string Campus = """
        using HopSplit;

        namespace Demo;

        [EdgeNetwork(Source = "phone")]
        [Node("phone", typeof(Phone)), Node("ap", typeof(Relay)), Node("cloud", typeof(CloudVm))]
        [Link("phone", "ap", Mbps = 100, LatencyMs = 2), Link("ap", "cloud", Mbps = 50, LatencyMs = 10)]
        public static partial class Campus { }
        """;

    public const string Factory = """
        using HopSplit;

        namespace Demo.Plants
        {
            [EdgeDevice(Gflops = 2.5, MemoryMiB = 512, OverheadMs = 0.25)] public partial class Sensor { }
            [EdgeDevice(Gflops = 1000, MemoryMiB = 81920, OverheadMs = 3)] public partial class Gpu { }

            public static partial class Sites
            {
                [EdgeNetwork(Source = "sensor", Sink = "gpu")]
                [Node("sensor", typeof(Sensor)), Node("switch", typeof(Relay)), Node("gpu", typeof(Gpu))]
                [Link("sensor", "switch", Mbps = 10, LatencyMs = 0.5, Directed = true)]
                [Link("switch", "gpu", Mbps = 1000, LatencyMs = 0)]
                public static partial class Factory { }
            }
        }
        """;
}
