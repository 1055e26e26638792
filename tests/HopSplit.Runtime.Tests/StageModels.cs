using HopSplit;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests;

/// <summary>A small CNN without a forward of its own: the generator writes it (and ForwardLayers, Stage).</summary>
[SplitModel(1, 8, 8)]
public sealed partial class SmallCnn : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv = nn.Conv2d(1, 4, 3, padding: 1);
    [Layer] readonly ReLU relu = nn.ReLU();
    [Layer] readonly MaxPool2d pool = nn.MaxPool2d(2);
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear fc1 = nn.Linear(4 * 4 * 4, 16);
    [Layer] readonly Tanh tanh = nn.Tanh();
    [Layer] readonly Linear fc2 = nn.Linear(16, 3);

    public SmallCnn() : base(nameof(SmallCnn)) { RegisterComponents(); }
}

/// <summary>An MLP with its own (nested-call) forward, which the generator leaves alone.</summary>
[SplitModel(6)]
public sealed partial class HandMlp : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Linear fc1 = nn.Linear(6, 12);
    [Layer] readonly GELU act = nn.GELU();
    [Layer] readonly Linear fc2 = nn.Linear(12, 3);

    public HandMlp() : base(nameof(HandMlp)) { RegisterComponents(); }

    public override Tensor forward(Tensor x) => fc2.forward(act.forward(fc1.forward(x)));
}
