using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests;

public class TrainingTests(ITestOutputHelper output)
{
    // y = 1 when 0.8 x0 - 0.5 x1 + 0.3 x2 - 0.2 x3 + 0.1 > 0: a linear rule a small MLP learns quickly.
    static (float[] X, long[] Y) Dataset(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n * 4];
        var y = new long[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < 4; j++) x[i * 4 + j] = (float)(random.NextDouble() * 2 - 1);
            var score = 0.8 * x[i * 4] - 0.5 * x[i * 4 + 1] + 0.3 * x[i * 4 + 2] - 0.2 * x[i * 4 + 3] + 0.1;
            y[i] = score > 0 ? 1 : 0;
        }
        return (x, y);
    }

    [Fact]
    public void A_two_layer_mlp_learns_a_linear_rule_in_50_sgd_steps()
    {
        torch.set_num_threads(1);
        torch.random.manual_seed(7);
        const int n = 256;
        var (xs, ys) = Dataset(n, seed: 1);

        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(xs, new long[] { n, 4 });
        var y = torch.tensor(ys);
        var model = nn.Sequential(("fc1", nn.Linear(4, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 2)));
        var optimizer = torch.optim.SGD(model.parameters(), 0.5);

        float firstLoss = 0, lastLoss = 0;
        for (var step = 0; step < 50; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            lastLoss = loss.item<float>();
            if (step == 0) firstLoss = lastLoss;
        }

        double accuracy;
        using (torch.no_grad())
            accuracy = model.forward(x).argmax(1).eq(y).sum().item<long>() / (double)n;

        output.WriteLine($"loss {firstLoss:F4} -> {lastLoss:F4}, accuracy {accuracy:P1}");
        Assert.InRange(firstLoss, 0.5f, 0.9f);
        Assert.True(lastLoss < 0.3f, $"loss {firstLoss:F3} -> {lastLoss:F3}");
        Assert.True(accuracy > 0.9, $"accuracy {accuracy:P1}, loss {firstLoss:F3} -> {lastLoss:F3}");
    }
}
