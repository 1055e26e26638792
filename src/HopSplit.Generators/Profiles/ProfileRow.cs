namespace HopSplit.Generators.Profiles;

/// <summary>One layer of a profile file, per sample. <see cref="NameStart"/>/<see cref="NameLength"/> locate the
/// row's "name" value in the file (for diagnostics).</summary>
internal sealed record ProfileRow(
    int Index,
    string Name,
    double ForwardSeconds,
    double BackwardSeconds,
    double ForwardFlops,
    double BackwardFlops,
    double OutputElements,
    double Parameters,
    int NameStart,
    int NameLength);
