// The digits CNN of samples/Digits (same layers), compiled here with the generator for its static Costs.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Experiments.Models;

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
