using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// One hop of the route: carries activations forward and gradients back, one tensor at a time (half
/// duplex), each taking its real size in bits over the bandwidth plus the latency. Relays are just
/// consecutive hops. Tensors are handed over, not copied: within one process only the time is emulated.
/// </summary>
internal sealed class LinkStageWorker : StageWorker
{
    private readonly NetworkLink _link;

    public LinkStageWorker(PipelineStage stage, StageLinks links, bool emulate, NetworkLink link)
        : base(stage, links, emulate) => _link = link;

    protected override void RunTask(StepRun step, PipelineTask task)
    {
        var m = task.MicroBatch;
        var forward = task.Direction == TaskDirection.Forward;
        var tensor = (forward ? Links.ForwardIn! : Links.BackwardIn!).Take(m, step.Cancellation);
        var start = step.Clock.Now;
        Finish(step, task, start, 0, TransferSeconds(tensor));
        (forward ? Links.ForwardOut! : Links.BackwardOut!).Put(m, tensor);
    }

    private double TransferSeconds(Tensor tensor) =>
        tensor.numel() * tensor.ElementSize * 8.0 / _link.BitsPerSecond + _link.LatencySeconds;
}
