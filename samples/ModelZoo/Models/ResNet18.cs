using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.ModelZoo.Models;

/// <summary>
/// torchvision's ResNet BasicBlock: two 3x3 convolutions with batch norm, added to the input or to a 1x1
/// downsample of it when the stride or the width changes. A <c>[LayerBlock]</c>: the generator costs it from the
/// constructor's assignments (the <c>if</c> folds from the constant arguments of each <c>new BasicBlock(...)</c>).
/// </summary>
[LayerBlock(Shortcut = nameof(downsample))]
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv1;
    [Layer] readonly BatchNorm2d bn1;
    [Layer] readonly ReLU relu = nn.ReLU(inplace: true);
    [Layer] readonly Conv2d conv2;
    [Layer] readonly BatchNorm2d bn2;
    [Layer] readonly Sequential? downsample;

    public BasicBlock(long inPlanes, long planes, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
        {
            downsample = nn.Sequential(nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var main = bn2.forward(conv2.forward(relu.forward(bn1.forward(conv1.forward(x)))));
        return relu.forward(main + (downsample is null ? x : downsample.forward(x)));
    }
}

/// <summary>
/// ResNet-18 exactly as torchvision and TorchSharp's <c>torchvision.models.resnet18()</c> build it (11,689,512
/// parameters), with the same top-level module names (<c>conv1</c> ... <c>layer4</c>, <c>avgpool</c>, <c>fc</c>) plus a
/// parameterless <c>flatten</c> for torchvision's <c>torch.flatten</c>. Each <c>layerN</c> (two residual blocks) is one
/// layer of the chain: the planner cuts between stages, never inside a residual block. The generator writes
/// <c>Costs</c>, <c>CostTable</c>, the stages and <c>forward</c>.
/// </summary>
[SplitModel(3, 224, 224)]
public sealed partial class ResNet18 : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
    [Layer] readonly BatchNorm2d bn1 = nn.BatchNorm2d(64);
    [Layer] readonly ReLU relu = nn.ReLU(inplace: true);
    [Layer] readonly MaxPool2d maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
    [Layer] readonly Sequential layer1 = nn.Sequential(new BasicBlock(64, 64), new BasicBlock(64, 64));
    [Layer] readonly Sequential layer2 = nn.Sequential(new BasicBlock(64, 128, 2), new BasicBlock(128, 128));
    [Layer] readonly Sequential layer3 = nn.Sequential(new BasicBlock(128, 256, 2), new BasicBlock(256, 256));
    [Layer] readonly Sequential layer4 = nn.Sequential(new BasicBlock(256, 512, 2), new BasicBlock(512, 512));
    [Layer] readonly AdaptiveAvgPool2d avgpool = nn.AdaptiveAvgPool2d(1);
    [Layer] readonly Flatten flatten = nn.Flatten();
    [Layer] readonly Linear fc = nn.Linear(512, 1000);
    public ResNet18() : base(nameof(ResNet18)) { RegisterComponents(); }
}
