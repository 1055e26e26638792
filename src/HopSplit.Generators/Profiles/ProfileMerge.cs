using System.Linq;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Models;

namespace HopSplit.Generators.Profiles;

/// <summary>
/// Applies profile files to a model. A valid profile whose "model" is the class's simple or full metadata name
/// supplies each layer it has a row for (matched by the [Layer] member name): measured numbers beat estimated
/// ones, so the row's forward and backward FLOPs and output elements replace the analysis or [LayerCost] numbers,
/// and a layer without costs also takes the row's parameters. The layer's source becomes Profile. A row whose
/// parameters disagree with the analysed count, or with a [LayerCost]'s stated Parameters, is stale (the model changed
/// since it was measured) and is ignored (HS0007). When several profiles match, the first by ordinal path wins.
/// </summary>
internal static class ProfileMerge
{
    /// <summary>The model with the profile applied, or null when a layer still has no costs.</summary>
    public static ModelSpec? Apply(ModelSpec model, EquatableArray<ProfileFile> profiles)
    {
        var profile = profiles.Where(p => p.IsFor(model.ClassName, model.MetadataName))
            .OrderBy(p => p.Path, System.StringComparer.Ordinal).FirstOrDefault();
        if (profile is null) return model.Costed ? model : null;

        var layers = model.Layers.Select(layer =>
        {
            var row = profile.Row(layer.Name);
            if (row is null || IsStale(layer, row)) return layer;
            // A [LayerCost] without Parameters states none: the measured count is the better one.
            var parameters = layer.ParametersStated ? layer.Parameters : row.Parameters;
            return layer with
            {
                Parameters = parameters,
                ForwardFlops = row.ForwardFlops,
                BackwardFlops = row.BackwardFlops,
                OutputElements = row.OutputElements,
                Source = "Profile",
            };
        }).ToArray();
        var applied = model with { Layers = new EquatableArray<LayerSpec>(layers) };
        return applied.Costed ? applied : null;
    }

    /// <summary>The row's parameter count disagrees with the one the model states (analysed or [LayerCost] Parameters).</summary>
    public static bool IsStale(LayerSpec layer, ProfileRow row) => layer.ParametersStated && row.Parameters != layer.Parameters;
}
