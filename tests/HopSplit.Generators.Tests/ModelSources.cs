namespace HopSplit.Generators.Tests;

/// <summary>TorchSharp models for the model generator and analyzer tests.</summary>
internal static class ModelSources
{
    public const string Usings = """
        using HopSplit;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    public const string DigitNet = Usings + """
        namespace Demo;

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
        """;

    /// <summary>An MLP with a const, arithmetic, named and optional arguments, Order and a [LayerCost] head.</summary>
    public const string Mlp = Usings + """
        namespace Demo.Models
        {
            public static class Sizes
            {
                public const int Pixels = 28 * 28;
                public const int Hidden = 128;
            }

            public class MyHead : nn.Module<Tensor, Tensor>
            {
                public MyHead() : base("head") { }
                public override Tensor forward(Tensor x) => x;
            }

            [SplitModel(Sizes.Pixels, Name = "mlp")]
            public partial class Mlp : nn.Module<Tensor, Tensor>
            {
                [Layer] public Linear fc1 { get; } = nn.Linear(Sizes.Pixels, Sizes.Hidden);
                [Layer] readonly GELU act = nn.GELU();
                [Layer] readonly Dropout drop = nn.Dropout(p: 0.25);
                [Layer] readonly LayerNorm norm = nn.LayerNorm(Sizes.Hidden);
                [Layer(Order = 1), LayerCost(ForwardFlops = 4.2e5, Parameters = 10, OutputShape = new[] { 10 })]
                readonly MyHead head = new();
                [Layer] readonly Linear fc2 = nn.Linear(hasBias: false, outputSize: Sizes.Hidden / 2 - 54, inputSize: Sizes.Hidden);
                public Mlp() : base("mlp") { }
                public override Tensor forward(Tensor x) => x;
            }
        }
        """;

    /// <summary>VGG-16 without batch norm (torchvision's vgg16 / TorchSharp's): 138,357,544 parameters.</summary>
    public const string Vgg16 = Usings + """
        namespace Demo;

        [SplitModel(3, 224, 224)]
        public sealed partial class Vgg16 : nn.Module<Tensor, Tensor>
        {
            const int K = 3;
            [Layer] readonly Conv2d c1 = nn.Conv2d(3, 64, K, padding: 1);     [Layer] readonly ReLU r1 = nn.ReLU(inplace: true);
            [Layer] readonly Conv2d c2 = nn.Conv2d(64, 64, K, padding: 1);    [Layer] readonly ReLU r2 = nn.ReLU(true);
            [Layer] readonly MaxPool2d p1 = nn.MaxPool2d(2, stride: 2);
            [Layer] readonly Conv2d c3 = nn.Conv2d(64, 128, K, padding: 1);   [Layer] readonly ReLU r3 = nn.ReLU();
            [Layer] readonly Conv2d c4 = nn.Conv2d(128, 128, K, padding: 1);  [Layer] readonly ReLU r4 = nn.ReLU();
            [Layer] readonly MaxPool2d p2 = nn.MaxPool2d(2);
            [Layer] readonly Conv2d c5 = nn.Conv2d(128, 256, K, padding: 1);  [Layer] readonly ReLU r5 = nn.ReLU();
            [Layer] readonly Conv2d c6 = nn.Conv2d(256, 256, K, padding: 1);  [Layer] readonly ReLU r6 = nn.ReLU();
            [Layer] readonly Conv2d c7 = nn.Conv2d(256, 256, K, padding: 1);  [Layer] readonly ReLU r7 = nn.ReLU();
            [Layer] readonly MaxPool2d p3 = nn.MaxPool2d(2);
            [Layer] readonly Conv2d c8 = nn.Conv2d(256, 512, K, padding: 1);  [Layer] readonly ReLU r8 = nn.ReLU();
            [Layer] readonly Conv2d c9 = nn.Conv2d(512, 512, K, padding: 1);  [Layer] readonly ReLU r9 = nn.ReLU();
            [Layer] readonly Conv2d c10 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r10 = nn.ReLU();
            [Layer] readonly MaxPool2d p4 = nn.MaxPool2d(2);
            [Layer] readonly Conv2d c11 = nn.Conv2d(512, 512, (K, K), padding: (1, 1)); [Layer] readonly ReLU r11 = nn.ReLU();
            [Layer] readonly Conv2d c12 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r12 = nn.ReLU();
            [Layer] readonly Conv2d c13 = nn.Conv2d(512, 512, K, padding: 1); [Layer] readonly ReLU r13 = nn.ReLU();
            [Layer] readonly MaxPool2d p5 = nn.MaxPool2d(2);
            [Layer] readonly AdaptiveAvgPool2d avg = nn.AdaptiveAvgPool2d((7, 7));
            [Layer] readonly Flatten flat = nn.Flatten();
            [Layer] readonly Linear fc1 = nn.Linear(512 * 7 * 7, 4096);       [Layer] readonly ReLU r14 = nn.ReLU();
            [Layer] readonly Dropout d1 = nn.Dropout();
            [Layer] readonly Linear fc2 = nn.Linear(4096, 4096);              [Layer] readonly ReLU r15 = nn.ReLU();
            [Layer] readonly Dropout d2 = nn.Dropout();
            [Layer] readonly Linear fc3 = nn.Linear(4096, 1000);
            public Vgg16() : base("vgg16") { }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    /// <summary>No forward of its own (the generator overrides Module's), and layer names that are a keyword
    /// and locals or parameters of the generated ForwardLayers.</summary>
    public const string Chain = Usings + """
        namespace Demo;

        [SplitModel(8)]
        public sealed partial class Chain : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear x = nn.Linear(8, 16);
            [Layer] readonly ReLU @event = nn.ReLU();
            [Layer] public Linear input { get; } = nn.Linear(16, 4);
            public Chain() : base("chain") { RegisterComponents(); }
        }
        """;

    /// <summary>A [LayerCost] layer that is not a Module&lt;Tensor, Tensor&gt;: costs, but nothing to call.</summary>
    public const string TwoInputLayer = Usings + """
        namespace Demo;

        public class Pair : nn.Module<Tensor, Tensor, Tensor>
        {
            public Pair() : base("pair") { }
            public override Tensor forward(Tensor a, Tensor b) => a + b;
        }

        [SplitModel(8)]
        public partial class Joined
        {
            [Layer] readonly Linear fc = nn.Linear(8, 4);
            [Layer, LayerCost(ForwardFlops = 4, OutputShape = new[] { 4 })] readonly Pair pair = new();
        }
        """;

    /// <summary>A residual [LayerBlock] as torchvision's BasicBlock: layers assigned in the constructor from its
    /// parameters, a downsample Sequential only when the shape changes.</summary>
    public const string BasicBlock = """
        namespace Demo;

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
                    this.downsample = nn.Sequential(nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
                }
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var main = bn2.forward(conv2.forward(relu.forward(bn1.forward(conv1.forward(x)))));
                return relu.forward(main + (downsample is null ? x : downsample.forward(x)));
            }
        }
        """;

    /// <summary>ResNet-18 (torchvision's resnet18 / TorchSharp's): 11,689,512 parameters.</summary>
    public const string ResNet18 = Usings + BasicBlock + """

        [SplitModel(3, 224, 224)]
        public sealed partial class ResNet18 : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Conv2d conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
            [Layer] readonly BatchNorm2d bn1 = nn.BatchNorm2d(64);
            [Layer] readonly ReLU relu = nn.ReLU(inplace: true);
            [Layer] readonly MaxPool2d maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
            [Layer] readonly Sequential layer1 = nn.Sequential(("0", new BasicBlock(64, 64)), ("1", new BasicBlock(64, 64)));
            [Layer] readonly Sequential layer2 = nn.Sequential(new BasicBlock(64, 128, 2), new BasicBlock(128, 128));
            [Layer] readonly Sequential layer3 = nn.Sequential(new BasicBlock(128, 256, stride: 2), new BasicBlock(256, 256));
            [Layer] readonly Sequential layer4 = nn.Sequential(new BasicBlock(256, 512, 2), new BasicBlock(512, 512, 1));
            [Layer] readonly AdaptiveAvgPool2d avgpool = nn.AdaptiveAvgPool2d(1);
            [Layer] readonly Flatten flatten = nn.Flatten();
            [Layer] readonly Linear fc = nn.Linear(512, 1000);
            public ResNet18() : base(nameof(ResNet18)) { RegisterComponents(); }
        }
        """;
}
