using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.Tests.CustomLayer;

/// <summary>
/// The analysable pieces of the sample's <c>SqueezeExcite(32, 4)</c> on its 32x16x16 input, in the order its forward
/// runs them, so that the generator counts them: everything but the final channel-wise scale, which no nn layer
/// expresses. Never instantiated; only its generated <c>CostTable</c> is read.
/// </summary>
[SplitModel(32, 16, 16)]
public sealed partial class SqueezeExciteParts : nn.Module<Tensor, Tensor>
{
    [Layer] readonly AdaptiveAvgPool2d squeeze = nn.AdaptiveAvgPool2d(1);
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear reduce = nn.Linear(32, 8);
    [Layer] readonly ReLU relu = nn.ReLU();
    [Layer] readonly Linear expand = nn.Linear(8, 32);
    [Layer] readonly Sigmoid gate = nn.Sigmoid();

    public SqueezeExciteParts() : base(nameof(SqueezeExciteParts)) { RegisterComponents(); }
}
