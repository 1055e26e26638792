using Slots = System.Threading.Tasks.TaskCompletionSource<HopSplit.Distributed.TensorFrame>[];

using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Runtime;

namespace HopSplit.Distributed.Transport;

/// <summary>
/// The link stages between two consecutive compute segments, emulated on the coordinator (which relays every
/// frame anyway). Each hop is a stage of its own, as in the simulator and the in-process runtime: it runs its
/// tasks in the schedule's order, one at a time (half duplex), and holds each frame for its real size in bits
/// over the link's bandwidth plus the link's latency (<see cref="LinkStageWorker"/>'s rule) before handing it on.
/// Relay nodes are just consecutive hops.
/// </summary>
internal sealed class LinkEmulator
{
    private readonly PipelineLayout _layout;
    private readonly ScheduleKind _schedule;
    private readonly IReadOnlyList<PipelineStage> _hops;

    /// <param name="layout">The plan's stages and network.</param>
    /// <param name="schedule">The order every hop runs its tasks in.</param>
    /// <param name="hops">The link stages between the two segments, in pipeline order (at least one).</param>
    public LinkEmulator(PipelineLayout layout, ScheduleKind schedule, IReadOnlyList<PipelineStage> hops)
    {
        if (hops.Count == 0 || hops.Any(h => h.Kind != StageKind.Link)) throw new ArgumentException("a link gap needs one or more link stages", nameof(hops));
        _layout = layout;
        _schedule = schedule;
        _hops = hops;
    }

    /// <summary>The modeled seconds of one frame of <paramref name="payloadBytes"/> on <paramref name="link"/>.</summary>
    public static double TransferSeconds(NetworkLink link, long payloadBytes) => payloadBytes * 8.0 / link.BitsPerSecond + link.LatencySeconds;

    /// <summary>
    /// Carries micro-batches from <paramref name="forwardIn"/> (the upstream segment's outputs) to
    /// <paramref name="forwardOut"/> and gradients from <paramref name="backwardIn"/> to <paramref name="backwardOut"/>,
    /// one loop per hop; completes when every hop has run all its tasks of the step.
    /// </summary>
    public Task RunAsync(Slots forwardIn, Slots forwardOut, Slots backwardIn, Slots backwardOut, StepTimeline timeline, CancellationToken cancellation)
    {
        var microBatches = forwardIn.Length;
        // Between hop h and h+1: forward[h] holds hop h's outputs, backward[h] hop h+1's outputs (read by hop h).
        var forward = new Slots[_hops.Count + 1];
        var backward = new Slots[_hops.Count + 1];
        forward[0] = forwardIn;
        forward[^1] = forwardOut;
        backward[0] = backwardOut;
        backward[^1] = backwardIn;
        for (var h = 1; h < _hops.Count; h++)
        {
            forward[h] = NewSlots(microBatches);
            backward[h] = NewSlots(microBatches);
        }
        return Task.WhenAll(_hops.Select((hop, h) => RunHopAsync(hop, forward[h], forward[h + 1], backward[h + 1], backward[h], timeline, cancellation)));
    }

    private async Task RunHopAsync(PipelineStage hop, Slots forwardIn, Slots forwardOut, Slots backwardIn, Slots backwardOut,
        StepTimeline timeline, CancellationToken cancellation)
    {
        var link = _layout.Problem.Network.Links[hop.Ref.Link];
        foreach (var task in ScheduleOrder.For(_schedule, hop.Index, _layout.Stages.Count, forwardIn.Length))
        {
            var m = task.MicroBatch;
            var forward = task.Direction == TaskDirection.Forward;
            var frame = await (forward ? forwardIn : backwardIn)[m].Task.WaitAsync(cancellation).ConfigureAwait(false);
            var start = timeline.Now;
            var modeled = TransferSeconds(link, frame.Payload.LongLength);
            await timeline.WaitUntilAsync(start + modeled, cancellation).ConfigureAwait(false);
            timeline.Record(hop, task.Direction, m, start, 0, modeled);
            (forward ? forwardOut : backwardOut)[m].SetResult(frame);
        }
    }

    /// <summary>One slot per micro-batch, completed when its frame arrives.</summary>
    public static Slots NewSlots(int microBatches) =>
        Enumerable.Range(0, microBatches).Select(_ => new TaskCompletionSource<TensorFrame>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
}
