// The model from the architecture sketch, compiled with the generator so the tests run its Costs.
// Only the generated static members are touched: TorchSharp's libtorch natives are not installed.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Generators.Tests.Sample;

[SplitModel(1, 28, 28)]
public sealed partial class DigitNet : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv1 = nn.Conv2d(1, 32, 3, padding: 1);
    [Layer] readonly ReLU relu1 = nn.ReLU();
    [Layer] readonly MaxPool2d pool1 = nn.MaxPool2d(2);
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear fc1 = nn.Linear(32 * 14 * 14, 10);
    public DigitNet() : base(nameof(DigitNet)) { RegisterComponents(); }
    public override Tensor forward(Tensor x) => fc1.forward(flat.forward(pool1.forward(relu1.forward(conv1.forward(x)))));
}
