using System;
using System.Linq;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Models;
using HopSplit.Generators.Profiles;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using System.Text;

namespace HopSplit.Generators;

/// <summary>
/// Generates <c>Costs</c> and <c>CostTable</c> for every [SplitModel] class whose layers all have costs, from
/// analysis, [LayerCost] or a profile file (an AdditionalFile named *.hsprofile.json), and the stage code
/// (ISplitModel, Stage, forward) for every model whose layers are modules.
/// A model with an unprofiled layer still gets its stage code but no cost table, so the build stops at HS0001
/// (and at uses of Costs) rather than at a missing forward; a shape mismatch or an invalid value gets nothing.
/// The analyzer reports why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelReader.SplitModelAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (ctx, ct) => ModelInputReader.Read(ctx, ct))
            .WithTrackingName(TrackingNames.ModelExtraction)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.ModelInputs)
            // The expensive part (binding every layer's initializer): skipped while the input is unchanged.
            .Select(static (input, ct) => ModelParser.Parse(input, ct))
            .WithTrackingName(TrackingNames.ModelAnalysis)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.ModelSpecs);

        // Profile files (*.hsprofile.json): only valid ones count (the analyzer reports the others, HS0005).
        var profiles = context.AdditionalTextsProvider
            .Where(static file => ProfileParser.IsProfile(file.Path))
            .Select(static (file, ct) => ProfileParser.Parse(file.Path, file.GetText(ct)?.ToString()))
            .WithTrackingName(TrackingNames.ProfileFiles)
            .Where(static p => p.Problem is null)
            .Collect()
            .Select(static (all, _) => new EquatableArray<ProfileFile>(all.OrderBy(p => p.Path, StringComparer.Ordinal).ToArray()))
            .WithTrackingName(TrackingNames.ProfileSet);

        var costed = models
            .Combine(profiles)
            .Select(static (pair, _) => ProfileMerge.Apply(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.CostedModels)
            // Uncosted models still get their stage code when it can be written.
            .Where(static m => m.Costed || m.Callable)
            .WithTrackingName(TrackingNames.CostedModelSpecs);

        context.RegisterSourceOutput(costed, static (spc, model) =>
            spc.AddSource(model.Target.HintName, SourceText.From(ModelEmitter.Emit(model), Encoding.UTF8)));
    }
}
