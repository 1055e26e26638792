using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using HopSplit.Distributed;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Recovery;
using HopSplit.Planning.Model;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>Exporting and restoring a segment's state (parameters and momentum), bad states refused by field, and unresponsive workers found.</summary>
public class StateTransferTests(ITestOutputHelper output)
{
    const int BatchSize = 12;

    [Fact]
    public async Task A_state_holds_every_parameter_and_its_momentum_and_bad_states_are_refused_by_field()
    {
        await using var worker = await StartWorker();
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..1] b[2..6]"], 6);
        var workers = new Dictionary<string, Uri> { ["a"] = worker.Address, ["b"] = worker.Address };
        using var trainer = await DistributedTrainer.ConnectAsync(layout, DistributedFixtures.Options(workers, ScheduleKind.GPipe));
        var (initialStep, initial) = await trainer.GetStateAsync();
        Assert.Equal(0, initialStep);
        Assert.DoesNotContain(initial.Keys, k => k.Slot == StateSlot.Momentum); // SGD has not stepped yet
        var (x, y) = Batch(BatchSize, seed: 700, ScalarType.Float64);
        using (x)
        using (y)
            await trainer.StepAsync(x, y);
        var (step, state) = await trainer.GetStateAsync();
        Assert.Equal(1, step);
        // SmallCnn: conv (0) and two linear layers (4, 6), a weight and a bias each, with a momentum buffer each.
        Assert.Equal(12, state.Count);
        Assert.Equal(new[] { 0, 4, 6 }, state.Keys.Select(k => k.Layer).Distinct().Order());

        async Task<string> Refused(Func<Dictionary<StateKey, StateTensor>, Dictionary<StateKey, StateTensor>> change)
        {
            var error = await Assert.ThrowsAsync<DistributedStageException>(() => trainer.RestoreAsync(1, change(new(state))));
            Assert.Equal(StatusCode.InvalidArgument, error.Status);
            return error.Message;
        }
        var weight = new StateKey(4, "weight", StateSlot.Parameter);
        Assert.Contains("shape: layer 4 weight is [16, 64], the state gives [64, 16]",
            await Refused(s => { s[weight] = s[weight] with { Shape = [64, 16] }; return s; }));
        Assert.Contains("the state lacks layer 4 weight of stage 2",
            await Refused(s => { s.Remove(weight); return s; }));
        Assert.Contains("name: layer 4 has no parameter 'gain'",
            await Refused(s => { s[new StateKey(4, "gain", StateSlot.Parameter)] = s[weight]; return s; }));
        Assert.Contains("dtype: layer 4 weight is Float64 on this worker, the state gives Float32",
            await Refused(s => { s[weight] = new StateTensor(DType.Float32, s[weight].Shape, new byte[s[weight].Payload.Length / 2]); return s; }));

        // Refused states changed nothing; a good one takes the trainer back to step 0 with the initial weights.
        var (stillAt, unchanged) = await trainer.GetStateAsync();
        Assert.Equal(1, stillAt);
        Assert.Equal(state[weight].Payload, unchanged[weight].Payload);
        await trainer.RestoreAsync(0, initial);
        Assert.Equal(0, trainer.CompletedSteps);
        var (_, restored) = await trainer.GetStateAsync();
        Assert.Equal(initial.Keys.Order(), restored.Keys.Order());
        Assert.All(initial, p => Assert.Equal(p.Value.Payload, restored[p.Key].Payload));
    }

    [Fact]
    public async Task A_worker_that_accepts_connections_but_never_answers_is_found_dead_within_the_deadlines()
    {
        // A black hole: the port accepts TCP connections and never speaks HTTP/2.
        using var hole = new TcpListener(IPAddress.Loopback, 0);
        hole.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await hole.AcceptSocketAsync()); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        await using var a = await StartWorker();
        await using var d = await StartWorker();
        // a holds only layer 0; b (the black hole) is faster than d, so the plan wants b until it is found dead.
        var problem = new HopSplit.Planning.Costs.PlanningProblem(SmallCnn.Costs, new Network(
            [new NetworkNode("a", 1e12, 20_000), new NetworkNode("b", 4e12, 1e12), new NetworkNode("d", 1e12, 1e12)],
            [new NetworkLink("a", "b", 1e12, 0), new NetworkLink("a", "d", 1e12, 0)], source: "a"), new TrainingJob(BatchSize));
        var holeAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)hole.LocalEndpoint).Port}");
        var workers = new Dictionary<string, Uri> { ["a"] = a.Address, ["b"] = holeAddress, ["d"] = d.Address };
        var clock = Stopwatch.StartNew();
        using var trainer = await ResilientTrainer.StartAsync(new ResilientTrainerOptions
        {
            Problem = problem,
            Trainer = DistributedFixtures.Options(workers, ScheduleKind.GPipe) with
            {
                Client = new StageClientOptions { CallTimeout = TimeSpan.FromSeconds(3) }, HeartbeatTimeout = TimeSpan.FromSeconds(3),
            },
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{elapsed:F2} s: {trainer.Decisions[0].Message}");
        Assert.Contains("(node(s) b) do not answer; planning without them", Assert.Single(trainer.Decisions).Message);
        Assert.Equal(new[] { "a", "d" }, trainer.Layout.ComputeStages.Select(s => s.Id));
        // The call deadline (3 s) then one ping's (3 s) bound the detection; the rest is slack for a loaded machine.
        Assert.InRange(elapsed, 3, 30);
        hole.Stop();
        foreach (var socket in accepted) socket.Dispose();
    }
}
