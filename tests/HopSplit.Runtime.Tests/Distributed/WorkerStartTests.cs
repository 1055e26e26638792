using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using HopSplit.Distributed;
using HopSplit.Planning.Model;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>Workers started together with the coordinator: connecting waits for those that do not listen yet, within a bound.</summary>
public class WorkerStartTests(ITestOutputHelper output)
{
    const int BatchSize = 12;

    [Fact]
    public async Task A_worker_that_starts_listening_after_the_coordinator_connects_is_waited_for()
    {
        await using var early = await StartWorker();
        var port = FreePort();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..1] b[2..6]"], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = early.Address, ["b"] = new Uri($"http://127.0.0.1:{port}") };
        var clock = Stopwatch.StartNew();
        var connecting = DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe) with { WorkerStartTimeout = TimeSpan.FromSeconds(60) });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(connecting.IsCompleted, "connecting did not wait for the worker of b");
        await using var late = await StartWorker(port: port);
        using var trainer = await connecting;
        output.WriteLine($"connected after {clock.Elapsed.TotalSeconds:F2} s");
        // Waiting ended when b listened, not at the 60 s bound (the rest is slack for a loaded machine).
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 30);
        await FirstStepMatchesInProcessAsync(trainer, ScheduleKind.GPipe, batchSeed: 800);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public async Task A_worker_that_never_listens_fails_its_assignment_once_the_wait_is_over(double waitSeconds)
    {
        await using var a = await StartWorker();
        var silent = new Uri($"http://127.0.0.1:{FreePort()}");
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..1] b[2..6]"], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = silent };
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<DistributedStageException>(() =>
            DistributedTrainer.ConnectAsync(layout, Options(workers, ScheduleKind.GPipe) with { WorkerStartTimeout = TimeSpan.FromSeconds(waitSeconds) }));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s: {error.Message}");
        Assert.Equal(StatusCode.Unavailable, error.Status);
        Assert.StartsWith($"node b (stage 2) on worker {silent} failed in assigning it: Unavailable", error.Message);
        Assert.True(clock.Elapsed.TotalSeconds >= waitSeconds * 0.9, $"gave up after {clock.Elapsed.TotalSeconds:F2} s, before the {waitSeconds} s wait");
    }

    // A port nobody listens on (the system's pick, released at once).
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
