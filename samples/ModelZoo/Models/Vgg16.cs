using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.ModelZoo.Models;

/// <summary>
/// VGG-16 exactly as torchvision and TorchSharp's <c>torchvision.models.vgg16()</c> build it (138,357,544
/// parameters): thirteen 3x3 convolutions in five blocks, then a 4096-4096-1000 classifier. Every module is one
/// <c>[Layer]</c>, so the planner may cut between any two of them.
/// </summary>
/// <remarks>
/// The generator writes <c>Costs</c>, <c>CostTable</c>, the stages and <c>forward</c> (the layers in order).
/// torchvision's VGG flattens in <c>forward</c> with <c>torch.flatten</c>; here it is the <c>flat</c> layer, which
/// has no parameters, so every other layer lines up with torchvision's <c>features</c>, <c>avgpool</c> and
/// <c>classifier</c> modules one to one (tests/HopSplit.Runtime.Tests compares them).
/// </remarks>
[SplitModel(3, 224, 224)]
public sealed partial class Vgg16 : nn.Module<Tensor, Tensor>
{
    const int K = 3;
    [Layer] readonly Conv2d c1 = nn.Conv2d(3, 64, K, padding: 1);     [Layer] readonly ReLU r1 = nn.ReLU(true);
    [Layer] readonly Conv2d c2 = nn.Conv2d(64, 64, K, padding: 1);    [Layer] readonly ReLU r2 = nn.ReLU(true);
    [Layer] readonly MaxPool2d p1 = nn.MaxPool2d(2);
    [Layer] readonly Conv2d c3 = nn.Conv2d(64, 128, K, padding: 1);   [Layer] readonly ReLU r3 = nn.ReLU(true);
    [Layer] readonly Conv2d c4 = nn.Conv2d(128, 128, K, padding: 1);  [Layer] readonly ReLU r4 = nn.ReLU(true);
    [Layer] readonly MaxPool2d p2 = nn.MaxPool2d(2);
    [Layer] readonly Conv2d c5 = nn.Conv2d(128, 256, K, padding: 1);  [Layer] readonly ReLU r5 = nn.ReLU(true);
    [Layer] readonly Conv2d c6 = nn.Conv2d(256, 256, K, padding: 1);  [Layer] readonly ReLU r6 = nn.ReLU(true);
    [Layer] readonly Conv2d c7 = nn.Conv2d(256, 256, K, padding: 1);  [Layer] readonly ReLU r7 = nn.ReLU(true);
    [Layer] readonly MaxPool2d p3 = nn.MaxPool2d(2);
    [Layer] readonly Conv2d c8 = nn.Conv2d(256, 512, K, padding: 1);  [Layer] readonly ReLU r8 = nn.ReLU(true);
    [Layer] readonly Conv2d c9 = nn.Conv2d(512, 512, K, padding: 1);  [Layer] readonly ReLU r9 = nn.ReLU(true);
    [Layer] readonly Conv2d c10 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r10 = nn.ReLU(true);
    [Layer] readonly MaxPool2d p4 = nn.MaxPool2d(2);
    [Layer] readonly Conv2d c11 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r11 = nn.ReLU(true);
    [Layer] readonly Conv2d c12 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r12 = nn.ReLU(true);
    [Layer] readonly Conv2d c13 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r13 = nn.ReLU(true);
    [Layer] readonly MaxPool2d p5 = nn.MaxPool2d(2);
    [Layer] readonly AdaptiveAvgPool2d avg = nn.AdaptiveAvgPool2d((7, 7));
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear fc1 = nn.Linear(512 * 7 * 7, 4096);       [Layer] readonly ReLU r14 = nn.ReLU(true);
    [Layer] readonly Dropout d1 = nn.Dropout();
    [Layer] readonly Linear fc2 = nn.Linear(4096, 4096);              [Layer] readonly ReLU r15 = nn.ReLU(true);
    [Layer] readonly Dropout d2 = nn.Dropout();
    [Layer] readonly Linear fc3 = nn.Linear(4096, 1000);

    public Vgg16() : base("vgg16") { RegisterComponents(); }
}
