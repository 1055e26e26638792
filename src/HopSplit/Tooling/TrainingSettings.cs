namespace HopSplit.Tooling;

/// <summary>What <c>hopsplit train</c> was asked to do, as its flags give it.</summary>
/// <param name="Model">The [SplitModel] class (simple or full name), or null for the application's only one.</param>
/// <param name="Data">The <see cref="Training.ITrainingData"/> class, or null for the application's only one.</param>
/// <param name="NetworkFile">A network JSON file, or null.</param>
/// <param name="NetworkType">An [EdgeNetwork] class in the application, or null (with no file either: the application's only one).</param>
/// <param name="BatchSize">B: samples per training step.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Schedule">"gpipe" or "1f1b".</param>
/// <param name="LearningRate">SGD's learning rate (momentum 0.9).</param>
/// <param name="Seed">The initial weights.</param>
public sealed record TrainingSettings(
    string? Model, string? Data, string? NetworkFile, string? NetworkType,
    int BatchSize, int Steps, string Schedule, double LearningRate, long Seed)
{
    /// <summary>SGD's momentum in every tool run (the distributed workers use SGD too, so both runs train alike).</summary>
    public const double Momentum = 0.9;
}
