using HopSplit.Planning.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>How the emulated network paces the stages.</summary>
public enum NetworkEmulation
{
    /// <summary>No pacing: every stage runs as fast as this machine can and links hand tensors over at once.</summary>
    None,

    /// <summary>
    /// Every compute task takes the time its node's declared FLOP/s and overhead give (MODEL.md section 4):
    /// the real work runs, then the stage waits out the rest. Every link task takes the tensor's real size
    /// in bits over the link's bandwidth, plus its latency, one task at a time (half duplex).
    /// </summary>
    Modeled,
}

/// <summary>What a <see cref="PipelineTrainer"/> needs besides the model and the plan.</summary>
public sealed class PipelineTrainerOptions
{
    /// <summary>Builds the optimizer of one stage from that stage's parameters (every stage steps its own, in sync).</summary>
    public required Func<IReadOnlyList<Parameter>, optim.Optimizer> CreateOptimizer { get; init; }

    /// <summary>
    /// The loss of one micro-batch from the last layer's output and the labels. It must be a mean over the
    /// samples (as <c>cross_entropy</c> is by default): the trainer weights each micro-batch by its share of
    /// the mini-batch, so the gradients equal those of the whole mini-batch at once.
    /// </summary>
    public Func<Tensor, Tensor, Tensor> Loss { get; init; } = static (output, labels) => nn.functional.cross_entropy(output, labels);

    /// <summary>gpipe (all forwards, then all backwards) or 1f1b, exactly as the simulator orders them.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.GPipe;

    /// <summary>Whether stages are paced to the network's declared speeds.</summary>
    public NetworkEmulation Emulation { get; init; } = NetworkEmulation.Modeled;

    /// <summary>
    /// libtorch's intra-op threads while training, or null to leave the setting alone. libtorch keeps one
    /// setting per process, so every node's worker shares it; 1 keeps emulated nodes from competing for cores.
    /// </summary>
    public int? TorchThreads { get; init; }
}
