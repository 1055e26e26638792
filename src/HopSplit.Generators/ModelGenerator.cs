using HopSplit.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using System.Text;

namespace HopSplit.Generators;

/// <summary>
/// Generates <c>Costs</c> and <c>CostTable</c> for every [SplitModel] class whose layers all have costs.
/// A model with an unprofiled layer, a shape mismatch or an invalid value gets nothing; the analyzer reports why.
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
                transform: static (ctx, ct) => ModelParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.ModelExtraction)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.ModelSpecs);

        context.RegisterSourceOutput(models, static (spc, model) =>
            spc.AddSource(model.Target.HintName, SourceText.From(ModelEmitter.Emit(model), Encoding.UTF8)));
    }
}
