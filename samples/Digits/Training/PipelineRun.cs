using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;

namespace HopSplit.Samples.Digits.Training;

/// <summary>What one run of training steps over the emulated network measured.</summary>
/// <param name="Layout">The plan's stages and cost model.</param>
/// <param name="Report">Measured against formula and simulator, warm-up steps left out.</param>
/// <param name="Steps">Every step after the warm-up.</param>
/// <param name="FinalLoss">Mean loss of the last few steps.</param>
public sealed record PipelineRunResult(PipelineLayout Layout, PipelineReport Report, IReadOnlyList<StepResult> Steps, double FinalLoss)
{
    /// <summary>The step whose makespan is the median: the one to draw.</summary>
    public StepResult MedianStep => Steps.OrderBy(s => s.MakespanSeconds).ElementAt(Steps.Count / 2);
}

/// <summary>Trains a model for a number of steps with a <see cref="PipelineTrainer"/> and measures them.</summary>
public static class PipelineRun
{
    /// <summary>
    /// Runs <paramref name="warmUp"/> + <paramref name="steps"/> steps on <paramref name="batches"/>; the warm-up
    /// steps (libtorch allocating, the JIT compiling) train too but are not measured.
    /// </summary>
    public static PipelineRunResult Train(DigitNet model, PipelineLayout layout, ScheduleKind schedule, NetworkEmulation emulation,
        MiniBatches batches, int warmUp, int steps, double learningRate, Action<int, StepResult>? progress = null)
    {
        using var trainer = PipelineTrainer.Create(model, layout, new PipelineTrainerOptions
        {
            CreateOptimizer = parameters => torch.optim.Adam(parameters, learningRate),
            Schedule = schedule,
            Emulation = emulation,
            TorchThreads = 1,
        });
        var measured = new List<StepResult>(steps);
        for (var step = 0; step < warmUp + steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (images, labels) = batches.Next();
            var result = trainer.Step(images, labels);
            if (step >= warmUp) measured.Add(result);
            progress?.Invoke(step + 1, result);
        }
        var finalLoss = measured.TakeLast(20).Average(s => s.Loss);
        return new PipelineRunResult(layout, PipelineReport.Build(layout, schedule, measured), measured, finalLoss);
    }
}
