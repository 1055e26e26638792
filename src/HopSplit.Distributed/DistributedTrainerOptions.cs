using HopSplit.Planning.Model;
using HopSplit.Runtime;

namespace HopSplit.Distributed;

/// <summary>What a <see cref="DistributedTrainer"/> needs besides the plan.</summary>
public sealed record DistributedTrainerOptions
{
    /// <summary>The worker serving each node of the plan (node id to http://host:port); several nodes may share a worker.</summary>
    public required IReadOnlyDictionary<string, Uri> Workers { get; init; }

    /// <summary>The token every worker expects.</summary>
    public required SharedToken Token { get; init; }

    /// <summary>The seed every worker builds its model from (so every segment starts from the same model).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>SGD's learning rate (every segment steps its own SGD optimizer, in sync).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>SGD's momentum.</summary>
    public double Momentum { get; init; }

    /// <summary>SGD's weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>gpipe or 1f1b, in the simulator's (and the in-process runtime's) order.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.GPipe;

    /// <summary>
    /// How often, during a step, the coordinator pings every worker (1 s by default). A worker whose process died is
    /// noticed at once (its connection resets); one that hangs or is cut off is declared dead when a ping is not answered
    /// within <see cref="HeartbeatTimeout"/>, so within HeartbeatInterval + HeartbeatTimeout (4 s by default).
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long connecting waits for a worker that does not listen yet (20 s by default), so workers and coordinator can
    /// be started together. Only a refused connection is waited out; a worker that fails otherwise is reported at once.
    /// </summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The deadline of one ping (3 s by default: generous for a loaded machine, short against a 2-minute call deadline).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <see cref="NetworkEmulation.None"/> (the default): frames cross the real network only.
    /// <see cref="NetworkEmulation.Modeled"/>: as the in-process runtime, every link hop of the plan holds a frame
    /// for its size in bits over the link's bandwidth plus its latency (on the coordinator, which relays every
    /// frame), and every call to a worker takes at least its node's modeled compute time, so one machine can
    /// stand in for the plan's multi-hop network and reproduce its predicted step time.
    /// </summary>
    public NetworkEmulation Emulation { get; init; } = NetworkEmulation.None;

    /// <summary>
    /// <see cref="FrameRouting.ViaCoordinator"/> (the default): the coordinator relays every frame.
    /// <see cref="FrameRouting.Direct"/>: workers send activations and gradients to each other (each is told its
    /// neighbours' addresses; they use the same token) and measure every send, so link speeds can be judged; with
    /// <see cref="NetworkEmulation.Modeled"/> the sending worker waits out the hops' modeled time and every worker its
    /// node's modeled compute time.
    /// </summary>
    public FrameRouting Routing { get; init; } = FrameRouting.ViaCoordinator;

    /// <summary>
    /// Direct routing with emulation only: links to emulate instead of the plan's (matched by From and To), e.g. a link
    /// slower than the plan assumes, to try re-planning on link drift. Null: the plan's links.
    /// </summary>
    public IReadOnlyList<NetworkLink>? EmulatedLinks { get; init; }

    /// <summary>Chunk size, frame limit and call deadline.</summary>
    public StageClientOptions Client { get; init; } = new();
}
