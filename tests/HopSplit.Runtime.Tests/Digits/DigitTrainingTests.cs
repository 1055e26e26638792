using System.Diagnostics;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Digits;

// Alone: other tests draw from libtorch's global generator too, which would change the initial weights.
[Collection(nameof(TimingCollection))]
public class DigitTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void Plain_training_for_200_steps_classifies_held_out_synthetic_digits()
    {
        torch.random.manual_seed(11);
        using var scope = NewDisposeScope();
        var (trainImages, trainLabels) = DigitTensors.ToTensors(SyntheticDigits.Generate(4_000, seed: 1));
        var (testImages, testLabels) = DigitTensors.ToTensors(SyntheticDigits.Generate(1_000, seed: 2));
        using var model = new DigitNet();
        var optimizer = optim.Adam(model.parameters(), lr: 0.002);

        double Accuracy()
        {
            using var noGrad = no_grad();
            using var stepScope = NewDisposeScope();
            return model.forward(testImages).argmax(1).eq(testLabels).sum().item<long>() / 1000.0;
        }

        var before = Accuracy();
        var clock = Stopwatch.StartNew();
        const int batch = 64, steps = 200;
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var start = step * batch % (4_000 - batch + 1);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(trainImages.narrow(0, start, batch)), trainLabels.narrow(0, start, batch));
            loss.backward();
            optimizer.step();
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var after = Accuracy();

        output.WriteLine($"{steps} steps of {batch} in {seconds:F1} s: held-out accuracy {before:P1} -> {after:P1}");
        Assert.InRange(before, 0.0, 0.3);  // an untrained net is near chance (10 %)
        Assert.True(after > 0.8, $"held-out accuracy {after:P1} after {steps} steps");
    }
}
