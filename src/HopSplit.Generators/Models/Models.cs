using HopSplit.Generators.Helpers;
using HopSplit.Generators.Networks;

namespace HopSplit.Generators.Models;

/// <summary>One layer's per-sample costs, as numbers and strings only.</summary>
/// <param name="Source">"Analysis" or "Attribute" (a member name of HopSplit.CostSource).</param>
internal sealed record LayerSpec(
    string Name,
    string Kind,
    EquatableArray<long> InputShape,
    EquatableArray<long> OutputShape,
    double Parameters,
    double ForwardFlops,
    double BackwardFlops,
    double OutputElements,
    string Source);

/// <summary>A [SplitModel] class whose every layer has costs.</summary>
internal sealed record ModelSpec(TypeTarget Target, string Name, double InputElements, EquatableArray<LayerSpec> Layers);
