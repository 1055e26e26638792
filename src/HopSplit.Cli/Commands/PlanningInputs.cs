using System.Globalization;
using System.CommandLine;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Cli.Commands;

/// <summary>The flags every planning command shares, and how they become a problem and planner options.</summary>
internal sealed class PlanningInputs
{
    public Option<FileInfo> Model { get; } = new("--model", "-m")
    {
        Description = "The model's per-layer costs (JSON, see docs/file-formats.md).",
        Required = true,
    };

    public Option<FileInfo> Network { get; } = new("--network", "-n")
    {
        Description = "The network's nodes and links (JSON, see docs/file-formats.md).",
        Required = true,
    };

    public Option<int> Batch { get; } = new("--batch", "-B")
    {
        Description = "Mini-batch size B: samples per training step.",
        Required = true,
    };

    public Option<int?> MicroBatch { get; } = new("--micro-batch", "-b")
    {
        Description = "Fix the micro-batch size b (1..B) instead of letting the planner choose it.",
    };

    public Option<string> Optimizer { get; } = new("--optimizer")
    {
        Description = "Sets the optimizer state kept per parameter: sgd (2 copies), momentum (3), adam (4).",
        DefaultValueFactory = _ => "sgd",
    };

    public Option<string> Schedule { get; } = new("--schedule")
    {
        Description = "Pipeline schedule: gpipe (fill and drain) or 1f1b.",
        DefaultValueFactory = _ => "gpipe",
    };

    public Option<string> Algorithm { get; } = new("--algorithm", "-a")
    {
        Description = "bsp (optimal, the default) or a baseline: sequential, even, two-tier, bottleneck, exhaustive (small inputs only).",
        DefaultValueFactory = _ => "bsp",
    };

    public Option<bool> ExactJoint { get; } = new("--exact-joint")
    {
        Description = "Choose b by solving for every distinct number of micro-batches (exact, slower) instead of alternating.",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables.",
    };

    public PlanningInputs()
    {
        Optimizer.AcceptOnlyFromAmong("sgd", "momentum", "adam");
        Schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        Algorithm.AcceptOnlyFromAmong("bsp", "sequential", "even", "two-tier", "bottleneck", "exhaustive");
        Batch.Validators.Add(result =>
        {
            // Validators run even when the token is not an int; reading the value then would throw out of
            // Parse, so look at the token and leave "not a number" to System.CommandLine's own message.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var batch)
                && batch < 1)
                result.AddError($"--batch must be at least 1, not {batch}.");
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Network, Batch, MicroBatch, Optimizer, Schedule, Algorithm, ExactJoint, Json })
            command.Options.Add(option);
    }

    /// <summary>Loads and validates the files and flags; throws <see cref="InvalidInputException"/> naming what is wrong.</summary>
    public (PlanningProblem Problem, PlannerOptions Options) Read(ParseResult parse)
    {
        var model = PlanningFiles.LoadModel(parse.GetRequiredValue(Model).FullName);
        var network = PlanningFiles.LoadNetwork(parse.GetRequiredValue(Network).FullName);
        var batch = parse.GetValue(Batch);
        var microBatch = parse.GetValue(MicroBatch);
        if (microBatch is { } b && (b < 1 || b > batch))
            throw new InvalidInputException("--micro-batch", [$"{b} is not allowed; it must be between 1 and the batch size {batch}"]);
        var optimizer = parse.GetValue(Optimizer) switch
        {
            "momentum" => OptimizerKind.Momentum,
            "adam" => OptimizerKind.Adam,
            _ => OptimizerKind.Sgd,
        };
        var schedule = parse.GetValue(Schedule) == "1f1b" ? ScheduleKind.OneFOneB : ScheduleKind.GPipe;
        var algorithm = parse.GetValue(Algorithm) switch
        {
            "sequential" => PlanningAlgorithm.Sequential,
            "even" => PlanningAlgorithm.Even,
            "two-tier" => PlanningAlgorithm.TwoTier,
            "bottleneck" => PlanningAlgorithm.Bottleneck,
            "exhaustive" => PlanningAlgorithm.Exhaustive,
            _ => PlanningAlgorithm.Bsp,
        };
        var problem = new PlanningProblem(model, network, new TrainingJob(batch, optimizer, schedule));
        var joint = parse.GetValue(ExactJoint) ? JointMode.Exact : JointMode.Alternating;
        return (problem, new PlannerOptions(algorithm, microBatch, joint));
    }
}
