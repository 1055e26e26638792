using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HopSplit.Samples.CustomLayer;

/// <summary>
/// A small CNN for 32x32 colour images with a squeeze-and-excitation block after the first convolution. The
/// generator analyses every layer but <see cref="se"/>, a user-written module: without its <c>[LayerCost]</c> the build
/// reports HS0001 (unprofiled layer) there and SeNet gets no cost table (README.md shows the warning and the fix).
/// </summary>
[SplitModel(3, 32, 32)]
public sealed partial class SeNet : nn.Module<Tensor, Tensor>
{
    [Layer] readonly Conv2d conv1 = nn.Conv2d(3, 32, 3, padding: 1);
    [Layer] readonly ReLU relu1 = nn.ReLU();
    [Layer] readonly MaxPool2d pool1 = nn.MaxPool2d(2);

    // Costs per sample of SqueezeExcite(32, 4) on a 32x16x16 input, counted as the generator counts analysable
    // layers (a multiply-add is 2 FLOPs, a bias add 1, pooling one per window element, ReLU 1 and sigmoid 4 per element):
    //   squeeze, average over 16x16 per channel      32 x 256            =  8,192
    //   reduce, Linear(32, 8)                        2 x 32 x 8 + 8      =    520
    //   ReLU on 8                                                        =      8
    //   expand, Linear(8, 32)                        2 x 8 x 32 + 32     =    544
    //   sigmoid on 32                                4 x 32              =    128
    //   scale every element by its channel's gate    32 x 256            =  8,192
    //                                                              total   17,584 FLOPs
    // Parameters: (32 x 8 + 8) + (8 x 32 + 32) = 552. The output has the input's shape. Backward is left at its
    // default, twice the forward. (tests/HopSplit.Samples.Tests checks these numbers against the generator's own count
    // of the analysable pieces; tests/HopSplit.Runtime.Tests checks the parameters and the shape on a real module.)
    [Layer, LayerCost(ForwardFlops = 17584, Parameters = 552, OutputShape = new[] { 32, 16, 16 })]
    readonly SqueezeExcite se = new(32, 4);

    [Layer] readonly Conv2d conv2 = nn.Conv2d(32, 64, 3, padding: 1);
    [Layer] readonly ReLU relu2 = nn.ReLU();
    [Layer] readonly MaxPool2d pool2 = nn.MaxPool2d(2);
    [Layer] readonly Flatten flat = nn.Flatten();
    [Layer] readonly Linear fc = nn.Linear(64 * 8 * 8, 10);

    public SeNet() : base(nameof(SeNet)) { RegisterComponents(); }

    // Written out although the generator would add this very forward: it adds it together with the cost table, so
    // without the [LayerCost] a model relying on it fails with CS0534 (no forward), and the compiler then stops
    // before the analyzers run, hiding HS0001. With its own forward the model shows HS0001 itself.
    public override Tensor forward(Tensor x) =>
        fc.forward(flat.forward(pool2.forward(relu2.forward(conv2.forward(se.forward(pool1.forward(relu1.forward(conv1.forward(x)))))))));
}
