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
/// <param name="Callable">Every layer is a <c>Module&lt;Tensor, Tensor&gt;</c>: the class gets ISplitModel
/// (LayerCount, Layer, ForwardLayers) and Stage.</param>
/// <param name="Forward">Whether and how to generate <c>forward</c> (only when Callable and the class declares none).</param>
internal sealed record ModelSpec(TypeTarget Target, string Name, double InputElements, EquatableArray<LayerSpec> Layers,
    bool Callable = false, GeneratedForward Forward = GeneratedForward.None);

/// <summary>The <c>forward(Tensor)</c> the generator adds to a callable model.</summary>
internal enum GeneratedForward
{
    /// <summary>None: the class declares its own forward, or its layers cannot be called.</summary>
    None,

    /// <summary>A plain public method (the class is not a <c>Module&lt;Tensor, Tensor&gt;</c>).</summary>
    Plain,

    /// <summary>An override of <c>Module&lt;Tensor, Tensor&gt;.forward</c>.</summary>
    Override,
}
