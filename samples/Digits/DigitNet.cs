using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits;

/// <summary>
/// The digits CNN the sample trains: two conv blocks and two linear layers, ten layers the planner may cut
/// between. The generator writes its cost table (<c>Costs</c>, <c>CostTable</c>), <c>forward</c> and stages.
/// </summary>
/// <remarks>
/// No BatchNorm or Dropout on purpose: every layer is deterministic and treats each sample on its own, so
/// pipelined training on micro-batches computes exactly the gradients of full-batch training (the
/// runtime's correctness test relies on it).
/// </remarks>
[SplitModel(1, 28, 28)]
public sealed partial class DigitNet : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv1 = nn.Conv2d(1, 8, 3, padding: 1);
    [Layer] readonly ReLU relu1 = nn.ReLU();
    [Layer] readonly MaxPool2d pool1 = nn.MaxPool2d(2);
    [Layer] readonly Conv2d conv2 = nn.Conv2d(8, 16, 3, padding: 1);
    [Layer] readonly ReLU relu2 = nn.ReLU();
    [Layer] readonly MaxPool2d pool2 = nn.MaxPool2d(2);
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear fc1 = nn.Linear(16 * 7 * 7, 64);
    [Layer] readonly ReLU relu3 = nn.ReLU();
    [Layer] readonly Linear fc2 = nn.Linear(64, 10);

    public DigitNet() : base(nameof(DigitNet)) { RegisterComponents(); }
}
