using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using TorchSharp;

namespace HopSplit.Samples.Digits.Training;

/// <summary>The main job's settings.</summary>
/// <param name="Schedule">gpipe or 1f1b.</param>
/// <param name="Steps">Measured pipelined training steps (after the warm-up).</param>
/// <param name="SequentialSteps">Measured steps of sequential split learning, for the speedup.</param>
/// <param name="WarmUpSteps">Steps run first and not measured, in each run.</param>
/// <param name="BatchSize">B: samples per mini-batch.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Seed">Initial weights and data order.</param>
public sealed record DigitsTrainingOptions(
    ScheduleKind Schedule = ScheduleKind.OneFOneB, int Steps = 250, int SequentialSteps = 20, int WarmUpSteps = 3,
    int BatchSize = 64, double LearningRate = 0.002, int Seed = 1);

/// <summary>What the main job did: the plans, both runs and the accuracy reached.</summary>
public sealed record DigitsTrainingOutcome(
    Plan Plan, Plan SequentialPlan, PipelineRunResult Pipelined, PipelineRunResult Sequential, double TestAccuracy,
    int TestImages, TimeSpan Elapsed)
{
    /// <summary>The planner's speedup over sequential split learning (its formula, MODEL.md section 5).</summary>
    public double PredictedSpeedup => SequentialPlan.LatencySeconds / Plan.LatencySeconds;

    /// <summary>The simulator's speedup under the schedule that ran.</summary>
    public double SimulatedSpeedup => Sequential.Report.SimulatedSeconds / Pipelined.Report.SimulatedSeconds;

    /// <summary>Measured median sequential step over measured median pipelined step.</summary>
    public double MeasuredSpeedup => Sequential.Report.MeasuredSeconds / Pipelined.Report.MeasuredSeconds;
}

/// <summary>
/// The main job: plan DigitNet on the four-node network, train it with the optimal pipelined plan over the
/// emulated network, run a short sequential split learning pass for comparison, and test the model.
/// </summary>
public static class DigitsTraining
{
    /// <summary>The planning problem of the sample: DigitNet's generated costs on the generated network.</summary>
    public static PlanningProblem Problem(DigitsTrainingOptions options) =>
        new(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(options.BatchSize, OptimizerKind.Adam, options.Schedule));

    public static DigitsTrainingOutcome Run(DigitsDataset data, DigitsTrainingOptions options, ITrainingProgress progress)
    {
        var started = DateTime.UtcNow;
        var problem = Problem(options);
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequentialPlan = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        progress.Planned(plan, sequentialPlan);

        using var batches = new MiniBatches(data.Train, options.BatchSize, options.Seed);
        torch.random.manual_seed(options.Seed);
        using var model = new DigitNet();
        var total = options.WarmUpSteps + options.Steps;
        // The step count shown includes the warm-up, which the report's medians leave out: say so.
        var warmUp = $"(the first {options.WarmUpSteps} steps warm up, unmeasured)";
        var pipelined = progress.Run($"pipelined training {warmUp}", total, report => PipelineRun.Train(
            model, PipelineLayout.From(problem, plan), options.Schedule, NetworkEmulation.Modeled, batches,
            options.WarmUpSteps, options.Steps, options.LearningRate, report));
        var accuracy = Accuracy.Of(model, data.Test);

        // Sequential split learning trains a model of its own: only its step time is wanted.
        torch.random.manual_seed(options.Seed);
        using var sequentialModel = new DigitNet();
        var sequential = progress.Run($"sequential split learning {warmUp}", options.WarmUpSteps + options.SequentialSteps, report => PipelineRun.Train(
            sequentialModel, PipelineLayout.From(problem, sequentialPlan), options.Schedule, NetworkEmulation.Modeled, batches,
            options.WarmUpSteps, options.SequentialSteps, options.LearningRate, report));
        return new DigitsTrainingOutcome(plan, sequentialPlan, pipelined, sequential, accuracy, data.Test.Count, DateTime.UtcNow - started);
    }
}

/// <summary>How the main job tells the console what it is doing.</summary>
public interface ITrainingProgress
{
    void Planned(Plan plan, Plan sequential);

    /// <summary>Runs <paramref name="work"/>, showing its steps as they finish (step number, result).</summary>
    PipelineRunResult Run(string title, int steps, Func<Action<int, StepResult>, PipelineRunResult> work);
}
