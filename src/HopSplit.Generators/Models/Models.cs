using System.Linq;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Networks;

namespace HopSplit.Generators.Models;

/// <summary>One layer's per-sample costs, as numbers and strings only. A shape is empty when it is not known
/// (a layer costed only by a profile, and the layers after it).</summary>
/// <param name="Source">"Analysis", "Attribute" or "Profile" (a member name of HopSplit.CostSource), or "None"
/// when the layer has no costs yet (only a profile can then supply them).</param>
/// <param name="MaybeNull">The member's type is nullable (<c>Linear?</c>): generated calls use <c>!</c>.</param>
/// <param name="ParametersStated">Parameters was analysed or given by [LayerCost] Parameters, so a profile row whose count
/// differs is stale; otherwise (no costs, or [LayerCost] without Parameters) the row's count is taken as it is.</param>
internal sealed record LayerSpec(
    string Name,
    string Kind,
    EquatableArray<long> InputShape,
    EquatableArray<long> OutputShape,
    double Parameters,
    double ForwardFlops,
    double BackwardFlops,
    double OutputElements,
    string Source,
    bool MaybeNull = false,
    bool ParametersStated = false)
{
    /// <summary>The <see cref="Source"/> of a layer without costs.</summary>
    public const string NoCosts = "None";
}

/// <summary>A [SplitModel] class and its layers (before profiles are applied, some may have no costs yet).</summary>
/// <param name="Callable">Every layer is a <c>Module&lt;Tensor, Tensor&gt;</c>: the class gets ISplitModel
/// (LayerCount, Layer, ForwardLayers) and Stage.</param>
/// <param name="Forward">Whether and how to generate <c>forward</c> (only when Callable and the class declares none).</param>
/// <param name="ClassName">The class's simple name (a profile's "model" may be this).</param>
/// <param name="MetadataName">The class's full metadata name, Namespace.Outer+Model (or this).</param>
internal sealed record ModelSpec(TypeTarget Target, string Name, double InputElements, EquatableArray<LayerSpec> Layers,
    bool Callable = false, GeneratedForward Forward = GeneratedForward.None, string ClassName = "", string MetadataName = "")
{
    /// <summary>Every layer has costs (the model can be generated).</summary>
    public bool Costed => Layers.All(l => l.Source != LayerSpec.NoCosts);
}

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
