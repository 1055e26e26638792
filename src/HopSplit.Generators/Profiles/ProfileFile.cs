using HopSplit.Generators.Helpers;

namespace HopSplit.Generators.Profiles;

/// <summary>
/// A profile file (<c>*.hsprofile.json</c>, format <c>hopsplit-profile/1</c>) as numbers and strings. When
/// <see cref="Problem"/> is set the file is not usable and the generator ignores it (the analyzer reports HS0005).
/// </summary>
/// <param name="Path">The additional file's path.</param>
/// <param name="Model">The model's simple name or full metadata name (Namespace.Outer+Model).</param>
/// <param name="ModelStart">Offset of the "model" value in the file.</param>
/// <param name="ModelLength">Length of the "model" value in the file.</param>
internal sealed record ProfileFile(
    string Path,
    string Model,
    string Machine,
    double FlopsPerSecond,
    long BatchSize,
    EquatableArray<ProfileRow> Layers,
    ProfileProblem? Problem,
    int ModelStart = 0,
    int ModelLength = 0)
{
    /// <summary>The row for layer <paramref name="name"/>, or null.</summary>
    public ProfileRow? Row(string name)
    {
        foreach (var row in Layers)
        {
            if (row.Name == name) return row;
        }
        return null;
    }

    /// <summary>True when this valid profile is for the model with this simple and metadata name.</summary>
    public bool IsFor(string simpleName, string metadataName) =>
        Problem is null && (Model == simpleName || Model == metadataName);
}
