using HopSplit.Planning.Json;
using HopSplit.Planning.Model;
using HopSplit.Profiling;

namespace HopSplit.Experiments.Models;

/// <summary>A model the experiments plan, with where its costs come from.</summary>
/// <param name="Key">Short name used in tables and CSV.</param>
/// <param name="Costs">The cost table.</param>
/// <param name="Source">"FLOP count" (generated), "GPU-measured" (PipeDream profile) or "CPU-measured" (HopSplit's profiler).</param>
/// <param name="BatchSize">The mini-batch B the experiments train it with.</param>
public sealed record ExperimentModel(string Key, ModelCosts Costs, string Source, int BatchSize);

/// <summary>The real models of the evaluation: generated cost tables and the measured profiles in samples/models.</summary>
public static class ModelCatalog
{
    public static ExperimentModel Vgg16 { get; } = new("vgg16", HopSplit.Samples.ModelZoo.Models.Vgg16.Costs, "FLOP count", 32);
    public static ExperimentModel ResNet18 { get; } = new("resnet18", HopSplit.Samples.ModelZoo.Models.ResNet18.Costs, "FLOP count", 32);
    public static ExperimentModel DigitNet { get; } = new("digitnet", HopSplit.Samples.Digits.DigitNet.Costs, "FLOP count", 64);
    public static ExperimentModel Vgg16Measured { get; } = Measured("vgg16-measured", "vgg16.pipedream.model.json");
    public static ExperimentModel AlexNetMeasured { get; } = Measured("alexnet-measured", "alexnet.pipedream.model.json");

    /// <summary>DigitNet as HopSplit's own profiler measured it (samples/models/digitnet.hsprofile.json).</summary>
    public static ExperimentModel DigitNetProfiled { get; } = new("digitnet-profiled",
        ModelProfile.Read(Path.Combine(AppContext.BaseDirectory, "models", "digitnet.hsprofile.json")).ToModelCosts(), "CPU-measured", 64);

    public static IReadOnlyList<ExperimentModel> All { get; } = [Vgg16, ResNet18, DigitNet, Vgg16Measured, AlexNetMeasured];

    /// <summary><see cref="All"/> and the profiler-measured DigitNet (kept out of <see cref="All"/>, whose random draws other tables depend on).</summary>
    public static IReadOnlyList<ExperimentModel> AllWithProfiled { get; } = [.. All, DigitNetProfiled];

    private static ExperimentModel Measured(string key, string file) =>
        new(key, PlanningFiles.LoadModel(Path.Combine(AppContext.BaseDirectory, "models", file)), "GPU-measured", 32);
}
