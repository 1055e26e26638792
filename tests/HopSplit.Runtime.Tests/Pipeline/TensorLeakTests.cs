using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;

namespace HopSplit.Runtime.Tests.Pipeline;

/// <summary>Runs alone: it counts every live tensor in the process, which other tests would change.</summary>
[CollectionDefinition(nameof(TensorCounting), DisableParallelization = true)]
public sealed class TensorCounting;

/// <summary>
/// Every tensor a step creates is disposed by the end of the step: the count of live tensors stays the same
/// from step to step. (Native memory over 1000 steps is measured by the Digits sample's bench command.)
/// </summary>
[Collection(nameof(TensorCounting))]
public class TensorLeakTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ScheduleKind.GPipe)]
    [InlineData(ScheduleKind.OneFOneB)]
    public void Steps_leave_no_tensor_behind(ScheduleKind schedule)
    {
        var layout = PipelineLayout.From(Problem(12), Shapes["a[0..0] b[1..3] via r d[4..6]"], 5);
        using var model = Model(seed: 51);
        using var trainer = PipelineTrainer.Create(model, layout, Options(schedule));
        using var scope = torch.NewDisposeScope();
        var (x, y) = Batch(12, seed: 1);

        // Warm-up: optimizer state (momentum buffers) and gradients are created once, on the first steps.
        for (var step = 0; step < 3; step++) trainer.Step(x, y);
        var before = LiveTensorsWithoutGarbage();
        for (var step = 0; step < 40; step++) trainer.Step(x, y);
        // No collection now: a handle left for the finalizer would still count (its native memory is held until then).
        var after = torch.Tensor.TotalCount;

        output.WriteLine($"{schedule}: {before} live tensors after warm-up, {after} after 40 more steps");
        Assert.Equal(before, after);
    }

    /// <summary>Tensors not yet disposed, once the garbage collector has finalized what earlier code dropped.</summary>
    static long LiveTensorsWithoutGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.Tensor.TotalCount;
    }
}
