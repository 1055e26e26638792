using System.Reflection;
using System.Text.Json.Nodes;
using HopSplit.Planning;
using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Tooling;

/// <summary>
/// <c>hopsplit train</c> in one process: plans a [SplitModel] class of a compiled application on a network, then
/// trains it on the application's <see cref="Training.ITrainingData"/> with <see cref="PipelineTrainer"/> over the
/// emulated network (<see cref="NetworkEmulation.Modeled"/>), and reports measured against predicted step times.
/// </summary>
/// <remarks>
/// The tool calls <see cref="Run"/> by reflection inside the application's load context; only framework types
/// cross: the plan and the report go out as JSON text, each step's loss through a callback.
/// </remarks>
public static class PipelineTrainingTool
{
    /// <summary>Plans, trains and reports.</summary>
    /// <param name="assembly">The application.</param>
    /// <param name="model">The [SplitModel] class, or null for the only one.</param>
    /// <param name="data">The ITrainingData class, or null for the only one.</param>
    /// <param name="networkFile">A network JSON file, or null.</param>
    /// <param name="networkType">An [EdgeNetwork] class, or null.</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="steps">Training steps.</param>
    /// <param name="schedule">gpipe or 1f1b.</param>
    /// <param name="learningRate">SGD's learning rate (momentum 0.9).</param>
    /// <param name="seed">Initial weights.</param>
    /// <param name="planned">Hears the plan as JSON before training starts.</param>
    /// <param name="stepped">Hears every step's number (1-based) and loss.</param>
    /// <param name="finished">Hears the report as JSON.</param>
    /// <param name="error">Where problems go, one line each.</param>
    public static int Run(Assembly assembly, string? model, string? data, string? networkFile, string? networkType,
        int batchSize, int steps, string schedule, double learningRate, long seed,
        Action<string> planned, Action<int, double> stepped, Action<string> finished, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(stepped);
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentNullException.ThrowIfNull(error);
        GlibcHeap.KeepLargeBlocks(); // before any tensor: steady libtorch pass times on Linux
        try
        {
            var setup = TrainingSetup.Create(assembly, new TrainingSettings(model, data, networkFile, networkType, batchSize, steps, schedule, learningRate, seed));
            planned(setup.PlanJson().ToJsonString());
            finished(Train(setup, stepped).ToJsonString());
            return ToolExitCodes.Success;
        }
        catch (ToolInputException e)
        {
            error.WriteLine("error: " + e.Message);
            return ToolExitCodes.InvalidInput;
        }
        catch (InfeasiblePlanException e)
        {
            error.WriteLine("error: no feasible plan: " + e.Message);
            return ToolExitCodes.Infeasible;
        }
        catch (PipelineStageException e)
        {
            error.WriteLine($"error: training failed: {FirstLine(e.Message)} (does --data give inputs of the model's input shape and int64 class labels?)");
            return ToolExitCodes.InvalidInput;
        }
    }

    private static JsonObject Train(TrainingSetup setup, Action<int, double> stepped)
    {
        var settings = setup.Settings;
        var splitModel = setup.CreateModel(settings.Seed);
        using var module = (nn.Module)splitModel;
        using var trainer = PipelineTrainer.Create(splitModel, setup.Layout, new PipelineTrainerOptions
        {
            CreateOptimizer = parameters => optim.SGD(parameters, settings.LearningRate, momentum: TrainingSettings.Momentum),
            Schedule = setup.Schedule,
            Emulation = NetworkEmulation.Modeled,
            // One intra-op thread: the emulated nodes share this machine's cores and must not compete for them.
            TorchThreads = 1,
        });
        var results = new List<StepResult>();
        for (var step = 0; step < settings.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (inputs, labels) = setup.Data.Batch(step, settings.BatchSize);
            var result = trainer.Step(inputs, labels);
            results.Add(result);
            stepped(step + 1, result.Loss);
        }
        // The first step pays for JIT and libtorch's start: leave it out of the medians when there are others.
        var measured = results.Count > 1 ? results.Skip(1).ToArray() : results.ToArray();
        var json = TrainingReportJson.Common("in-process", results.Select(r => r.Loss).ToArray(), TestAccuracy.Of(splitModel, setup.Data));
        TrainingReportJson.AddPipelineReport(json, PipelineReport.Build(setup.Layout, setup.Schedule, measured));
        return json;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();
}
