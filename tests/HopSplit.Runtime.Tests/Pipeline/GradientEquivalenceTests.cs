using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Pipeline;

/// <summary>
/// The runtime's foundation: pipelined micro-batch training over any plan gives, step after step, the
/// weights that plain full-batch training of the same model on the same data gives.
/// </summary>
public class GradientEquivalenceTests(ITestOutputHelper output)
{
    const int BatchSize = 12;
    const int Steps = 3;

    public static TheoryData<string, int, ScheduleKind> Cases()
    {
        var cases = new TheoryData<string, int, ScheduleKind>();
        foreach (var shape in Shapes.Keys)
        {
            // b = 1 (12 micro-batches), 5 (a ragged last micro-batch of 2), 12 (no pipelining).
            foreach (var b in new[] { 1, 5, 12 })
            {
                cases.Add(shape, b, ScheduleKind.GPipe);
                cases.Add(shape, b, ScheduleKind.OneFOneB);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pipelined_training_matches_full_batch_training(string shape, int microBatchSize, ScheduleKind schedule)
    {
        // Double precision, so the only difference left is the order of additions (about 1e-16).
        using var reference = Model(seed: 21, ScalarType.Float64);
        using var pipelined = Model(seed: 21, ScalarType.Float64);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes[shape], microBatchSize);
        using var referenceOptimizer = torch.optim.SGD(reference.parameters(), 0.1, momentum: 0.9);
        using var trainer = PipelineTrainer.Create(pipelined, layout, Options(schedule));

        for (var step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = Batch(BatchSize, seed: 100 + step, ScalarType.Float64);
            referenceOptimizer.zero_grad();
            var referenceLoss = nn.functional.cross_entropy(reference.forward(x), y);
            referenceLoss.backward();
            referenceOptimizer.step();

            var result = trainer.Step(x, y);
            Assert.Equal(referenceLoss.item<double>(), result.Loss, 1e-12);
            Assert.Equal(layout.MicroBatchSizes(BatchSize), result.MicroBatchSizes);
        }

        var compared = AssertSameWeights(reference, pipelined, relative: 1e-5);
        output.WriteLine($"{shape}, b = {microBatchSize}, {schedule}: {compared} weights equal after {Steps} steps");
    }

    [Fact]
    public void Single_precision_pipelined_training_stays_within_1e_5_of_full_batch_training()
    {
        using var reference = Model(seed: 22);
        using var pipelined = Model(seed: 22);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..0] b[1..3] via r d[4..6]"], 4);
        using var referenceOptimizer = torch.optim.SGD(reference.parameters(), 0.1, momentum: 0.9);
        using var trainer = PipelineTrainer.Create(pipelined, layout, Options(ScheduleKind.OneFOneB));
        for (var step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = Batch(BatchSize, seed: 200 + step);
            referenceOptimizer.zero_grad();
            nn.functional.cross_entropy(reference.forward(x), y).backward();
            referenceOptimizer.step();
            trainer.Step(x, y);
        }
        AssertSameWeights(reference, pipelined, relative: 1e-5);
    }

    [Fact]
    public void A_smaller_last_mini_batch_is_cut_into_fewer_micro_batches_and_still_matches()
    {
        using var reference = Model(seed: 23, ScalarType.Float64);
        using var pipelined = Model(seed: 23, ScalarType.Float64);
        var layout = PipelineLayout.From(Problem(BatchSize), Shapes["a[0..1] b[2..6]"], 5);
        using var referenceOptimizer = torch.optim.SGD(reference.parameters(), 0.1, momentum: 0.9);
        using var trainer = PipelineTrainer.Create(pipelined, layout, Options(ScheduleKind.GPipe));
        using var scope = torch.NewDisposeScope();
        var (x, y) = Batch(7, seed: 300, ScalarType.Float64);
        referenceOptimizer.zero_grad();
        nn.functional.cross_entropy(reference.forward(x), y).backward();
        referenceOptimizer.step();

        var result = trainer.Step(x, y);

        Assert.Equal(new[] { 5, 2 }, result.MicroBatchSizes);
        AssertSameWeights(reference, pipelined, relative: 1e-5);
    }

    /// <summary>Every weight equal to a relative tolerance (scaled by the tensor's largest weight for weights near zero).</summary>
    static int AssertSameWeights(nn.Module expected, nn.Module actual, double relative)
    {
        using var scope = torch.NewDisposeScope();
        var expectedWeights = expected.named_parameters().ToDictionary(p => p.name, p => p.parameter.to_type(ScalarType.Float64).data<double>().ToArray());
        var actualWeights = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter.to_type(ScalarType.Float64).data<double>().ToArray());
        Assert.Equal(expectedWeights.Keys.Order(), actualWeights.Keys.Order());
        var compared = 0;
        foreach (var (name, e) in expectedWeights)
        {
            var a = actualWeights[name];
            var floor = e.Max(Math.Abs) * 1e-3;
            for (var i = 0; i < e.Length; i++)
            {
                var tolerance = relative * Math.Max(Math.Abs(e[i]), floor);
                Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{name}[{i}]: pipelined {a[i]} vs full batch {e[i]}");
                compared++;
            }
        }
        return compared;
    }
}
