using System.Reflection;
using System.Text.Json.Nodes;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using HopSplit.Training;

namespace HopSplit.Tooling;

/// <summary>
/// What <c>hopsplit train</c> trains, found in a compiled application: the [SplitModel] class, its
/// <see cref="ITrainingData"/>, the network and the planner's plan for them. Shared by the in-process and the
/// distributed entry points, so both plan and report the same way.
/// </summary>
public sealed class TrainingSetup
{
    private TrainingSetup(TrainingSettings settings, Type modelType, ITrainingData data, Network network, PlanningProblem problem, Plan plan)
    {
        Settings = settings;
        ModelType = modelType;
        Data = data;
        Network = network;
        Problem = problem;
        Plan = plan;
        Layout = PipelineLayout.From(problem, plan);
    }

    /// <summary>The flags it was made from.</summary>
    public TrainingSettings Settings { get; }

    /// <summary>The [SplitModel] class.</summary>
    public Type ModelType { get; }

    /// <summary>The application's training data.</summary>
    public ITrainingData Data { get; }

    /// <summary>The network planned on.</summary>
    public Network Network { get; }

    /// <summary>Model costs, network and job.</summary>
    public PlanningProblem Problem { get; }

    /// <summary>The optimal plan.</summary>
    public Plan Plan { get; }

    /// <summary>The plan's stages.</summary>
    public PipelineLayout Layout { get; }

    /// <summary>The schedule of the settings.</summary>
    public ScheduleKind Schedule => Problem.Job.Schedule;

    /// <summary>Finds model, data and network in <paramref name="assembly"/> and plans the job.</summary>
    /// <exception cref="ToolInputException">A flag or a class is wrong; the message names it.</exception>
    /// <exception cref="InfeasiblePlanException">Nothing fits the network; the message names the node and bytes.</exception>
    public static TrainingSetup Create(Assembly assembly, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.BatchSize < 1) throw new ToolInputException($"--batch must be at least 1, not {settings.BatchSize}");
        if (settings.Steps < 1) throw new ToolInputException($"--steps must be at least 1, not {settings.Steps}");
        if (!(settings.LearningRate > 0)) throw new ToolInputException($"--lr must be positive, not {settings.LearningRate}");
        var schedule = settings.Schedule switch
        {
            "gpipe" => ScheduleKind.GPipe,
            "1f1b" => ScheduleKind.OneFOneB,
            _ => throw new ToolInputException($"--schedule must be gpipe or 1f1b, not '{settings.Schedule}'"),
        };
        if (ModelTypes.Find(assembly, settings.Model, out var problem) is not { } type) throw new ToolInputException("--model: " + problem);
        if (ModelTypes.Describe(type, out problem) is not { } description) throw new ToolInputException("--model: " + problem);
        var network = NetworkTypes.Load(assembly, settings.NetworkFile, settings.NetworkType);
        // Momentum SGD keeps one extra copy of the parameters: plan memory for it.
        var planning = new PlanningProblem(description.Costs, network, new TrainingJob(settings.BatchSize, OptimizerKind.Momentum, schedule));
        var plan = Planner.Plan(planning, new PlannerOptions());
        var data = TrainingDataTypes.Create(assembly, settings.Data);
        return new TrainingSetup(settings, type, data, network, planning, plan);
    }

    /// <summary>A new model with the initial weights of <paramref name="seed"/> (the same in every process).</summary>
    public ISplitModel CreateModel(long seed) => ModelTypes.CreateSeeded(ModelType, seed);

    /// <summary>The plan as the tool shows it: where each layer runs and what the planner predicts.</summary>
    public JsonObject PlanJson() => new()
    {
        ["model"] = ModelType.FullName,
        ["data"] = Data.GetType().FullName,
        ["schedule"] = Settings.Schedule,
        ["batchSize"] = Plan.BatchSize,
        ["microBatchSize"] = Plan.MicroBatchSize,
        ["microBatches"] = Plan.MicroBatches,
        ["path"] = new JsonArray(Plan.Path.Select(id => (JsonNode?)id).ToArray()),
        ["segments"] = new JsonArray(Plan.Segments.Select(s => (JsonNode?)new JsonObject
        {
            ["node"] = s.Node,
            ["firstLayer"] = s.FirstLayer,
            ["lastLayer"] = s.LastLayer,
            ["layers"] = string.Join(", ", Problem.Model.Layers.Skip(s.FirstLayer).Take(s.LastLayer - s.FirstLayer + 1).Select(l => l.Name)),
        }).ToArray()),
        ["formulaSeconds"] = Layout.FormulaSeconds(),
        ["simulatedSeconds"] = Layout.Simulate(Layout.MicroBatchSizes(Plan.BatchSize), Schedule).MakespanSeconds,
    };
}
