namespace HopSplit.Generators;

/// <summary>Names of the incremental steps, for caching tests (enumerated by reflection).</summary>
public static class TrackingNames
{
    public const string DeviceExtraction = nameof(DeviceExtraction);
    public const string DeviceModels = nameof(DeviceModels);
    public const string NetworkExtraction = nameof(NetworkExtraction);
    public const string NetworkModels = nameof(NetworkModels);
    public const string ModelExtraction = nameof(ModelExtraction);
    public const string ModelInputs = nameof(ModelInputs);
    public const string ModelAnalysis = nameof(ModelAnalysis);
    public const string ModelSpecs = nameof(ModelSpecs);
    public const string ProfileFiles = nameof(ProfileFiles);
    public const string ProfileSet = nameof(ProfileSet);
    public const string CostedModels = nameof(CostedModels);
    public const string CostedModelSpecs = nameof(CostedModelSpecs);
}
