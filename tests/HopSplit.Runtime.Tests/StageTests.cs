using HopSplit;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests;

/// <summary>Generated stages on real tensors: split forward/backward equals the whole model's.</summary>
public class StageTests(ITestOutputHelper output)
{
    const int Batch = 5;

    static Tensor Data(long[] shape, int seed)
    {
        var random = new Random(seed);
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return torch.tensor(values, shape);
    }

    static Tensor Labels(int seed)
    {
        var random = new Random(seed);
        return torch.tensor(Enumerable.Range(0, Batch).Select(_ => (long)random.Next(3)).ToArray());
    }

    /// <summary>Every parameter's gradient by name (copied out of the tensors).</summary>
    static Dictionary<string, float[]> Gradients(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
    }

    /// <summary>One forward and backward of the whole model.</summary>
    static Dictionary<string, float[]> WholeModel(SmallCnn model, Tensor x, Tensor y)
    {
        model.zero_grad();
        using (torch.NewDisposeScope())
            nn.functional.cross_entropy(model.forward(x), y).backward();
        return Gradients(model);
    }

    /// <summary>Forward through the stages in order, the loss backward on the last stage's output, then
    /// Backward through the stages in reverse, each taking the gradient the next one returned.</summary>
    static Dictionary<string, float[]> Staged(SmallCnn model, Tensor x, Tensor y, params (int First, int Last)[] ranges)
    {
        model.zero_grad();
        var stages = ranges.Select(r => model.Stage(r.First, r.Last)).ToList();
        try
        {
            using var scope = torch.NewDisposeScope();
            var h = x;
            foreach (var stage in stages) h = stage.Forward(h);
            nn.functional.cross_entropy(h, y).backward();
            var gradient = stages[^1].InputGradient();
            for (var i = stages.Count - 2; i >= 0; i--)
            {
                Assert.NotNull(gradient);
                Assert.Equal(stages[i].Output!.shape, gradient.shape);
                gradient = stages[i].Backward(gradient);
            }
            Assert.Null(gradient); // the first stage's input is data
        }
        finally
        {
            foreach (var stage in stages) stage.Dispose();
        }
        return Gradients(model);
    }

    static void AssertClose(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.Equal(e.Length, a.Length);
            var scale = Math.Max(e.Max(v => Math.Abs(v)), 1e-12f);
            Assert.True(e.Any(v => v != 0), $"{name}: all-zero gradient, nothing compared");
            for (var i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6 * scale, $"{name}[{i}]: {a[i]} != {e[i]} (scale {scale})");
        }
    }

    public static TheoryData<int> SplitPoints => new() { 0, 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public void Two_stages_split_after_layer_k_give_the_whole_models_gradients(int k)
    {
        torch.random.manual_seed(11);
        using var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var x = Data([Batch, 1, 8, 8], seed: 3);
        var y = Labels(seed: 4);

        var whole = WholeModel(model, x, y);
        var staged = Staged(model, x, y, (0, k), (k + 1, model.LayerCount - 1));
        AssertClose(whole, staged);
        output.WriteLine($"split after layer {k}: {whole.Count} parameter gradients match");
    }

    [Fact]
    public void Three_stages_and_one_stage_give_the_whole_models_gradients()
    {
        torch.random.manual_seed(12);
        using var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var x = Data([Batch, 1, 8, 8], seed: 5);
        var y = Labels(seed: 6);

        var whole = WholeModel(model, x, y);
        AssertClose(whole, Staged(model, x, y, (0, 1), (2, 4), (5, 6)));
        AssertClose(whole, Staged(model, x, y, (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)));
        AssertClose(whole, Staged(model, x, y, (0, 6)));
    }

    [Fact]
    public void Stage_parameters_partition_the_models()
    {
        using var model = new SmallCnn();
        using var first = model.Stage(0, 3);
        using var second = model.Stage(4, 6);
        Assert.Equal(2, first.Parameters().Count());     // conv weight and bias
        Assert.Equal(4, second.Parameters().Count());    // fc1 and fc2 weights and biases
        var all = model.parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.True(all.SetEquals(first.Parameters().Concat(second.Parameters())));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Stage(3, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Stage(2, 1));
    }

    [Fact]
    public void ForwardLayers_over_every_layer_equals_the_generated_forward()
    {
        torch.random.manual_seed(13);
        using var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var x = Data([Batch, 1, 8, 8], seed: 7);
        var whole = model.forward(x);
        Assert.Equal(new long[] { Batch, 3 }, whole.shape);
        Assert.True(model.ForwardLayers(0, model.LayerCount - 1, x).allclose(whole, rtol: 1e-6, atol: 0));
        Assert.True(model.ForwardLayers(3, 6, model.ForwardLayers(0, 2, x)).allclose(whole, rtol: 1e-6, atol: 0));
    }

    [Fact]
    public void ForwardLayers_over_every_layer_equals_a_hand_written_forward()
    {
        torch.random.manual_seed(14);
        using var model = new HandMlp();
        using var scope = torch.NewDisposeScope();
        var x = Data([Batch, 6], seed: 8);
        var own = model.forward(x);
        Assert.True(model.ForwardLayers(0, model.LayerCount - 1, x).allclose(own, rtol: 1e-6, atol: 0));
        Assert.True(model.ForwardLayers(1, 2, model.ForwardLayers(0, 0, x)).allclose(own, rtol: 1e-6, atol: 0));
    }
}
