using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.CustomLayer;

/// <summary>
/// A squeeze-and-excitation block (Hu et al., 2018): it averages each channel over the image ("squeeze"), runs the
/// channel means through a small bottleneck MLP ending in a sigmoid ("excite"), and multiplies every channel of
/// the input by its gate. The output has the input's shape.
/// </summary>
/// <remarks>
/// HopSplit's generator cannot cost this module: it is a plain user class, and its <c>forward</c> multiplies the
/// input by a function of itself, which no chain of analysable layers (nor a <c>[LayerBlock]</c>, whose members run
/// one after the other) expresses. A <c>[Layer]</c> of this type needs a <c>[LayerCost]</c> (see SeNet.cs).
/// </remarks>
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d squeeze = nn.AdaptiveAvgPool2d(1);
    private readonly Linear reduce;
    private readonly ReLU relu = nn.ReLU();
    private readonly Linear expand;
    private readonly Sigmoid gate = nn.Sigmoid();

    /// <param name="channels">Channels of the input (and the output).</param>
    /// <param name="reduction">How much narrower the bottleneck is: it has channels / reduction units.</param>
    public SqueezeExcite(long channels, long reduction) : base(nameof(SqueezeExcite))
    {
        if (reduction < 1 || channels % reduction != 0)
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"reduction must divide channels ({channels})");
        reduce = nn.Linear(channels, channels / reduction);
        expand = nn.Linear(channels / reduction, channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var means = squeeze.forward(x).flatten(1);                     // [N, C]
        var weights = gate.forward(expand.forward(relu.forward(reduce.forward(means))));
        return (x * weights.unsqueeze(-1).unsqueeze(-1)).MoveToOuterDisposeScope();
    }
}
