using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Models;
using HopSplit.Generators.Profiles;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace HopSplit.Generators.Diagnostics;

/// <summary>
/// Reports what keeps a [SplitModel] class from getting Costs: unprofiled layers (HS0001), shapes that do
/// not chain (HS0002), a non-partial type (HS0003) and invalid values (HS0004); and problems with profile files
/// (AdditionalFiles named *.hsprofile.json): a file that is not JSON in the profile format (HS0005), a model or
/// layer name that matches nothing (HS0006), a row whose parameter count disagrees with the model (HS0007); and a
/// model without [Layer] members (HS0008).
/// Reads each model once per compilation as the generator does, in every file of the partial class (layers,
/// constructors and the constructors they chain to with this(...)) and in the files of the [LayerBlock] classes its
/// layers create, and each file reports the problems located in it (<see cref="AnalyzeFile"/>). A layer a profile
/// covers is not unprofiled.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnprofiledLayer, DiagnosticDescriptors.ShapeMismatch,
        DiagnosticDescriptors.ModelNotPartial, DiagnosticDescriptors.InvalidModelValue,
        DiagnosticDescriptors.InvalidProfile, DiagnosticDescriptors.ProfileUnknownName, DiagnosticDescriptors.StaleProfile,
        DiagnosticDescriptors.ModelWithoutLayers, DiagnosticDescriptors.LayerNotRunnable, DiagnosticDescriptors.LayerAssignedDifferently);

    /// <summary>A profile additional file with its text and what it says.</summary>
    private sealed record ProfileEntry(AdditionalText File, SourceText? Text, ProfileFile Profile);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var profiles = start.Options.AdditionalFiles
                .Where(f => ProfileParser.IsProfile(f.Path))
                .Select(f =>
                {
                    var text = f.GetText(start.CancellationToken);
                    return new ProfileEntry(f, text, ProfileParser.Parse(f.Path, text?.ToString()));
                })
                .OrderBy(e => e.File.Path, StringComparer.Ordinal)
                .ToImmutableArray();
            if (profiles.Length > 0) start.RegisterAdditionalFileAction(c => AnalyzeProfile(c, profiles));
            var readings = new ModelDiagnostics(start.Compilation, profiles);
            start.RegisterSemanticModelAction(c => AnalyzeFile(c, readings));
        });
    }

    /// <summary>
    /// Reports, in each file, the diagnostics of the models located in that file: those of the models declared there (any
    /// partial part) and, when the file declares a [LayerBlock] class, those of every model (a block's problems are found
    /// by reading the models that create it). Each file reporting its own is what makes a problem in a block's file or in
    /// another part of a partial model show in an IDE's analysis of that document, not only in a build.
    /// </summary>
    private static void AnalyzeFile(SemanticModelAnalysisContext context, ModelDiagnostics readings)
    {
        var ct = context.CancellationToken;
        var tree = context.SemanticModel.SyntaxTree;
        var models = new List<INamedTypeSymbol>();
        var hasBlock = false;
        foreach (var declaration in tree.GetRoot(ct).DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
                     .OfType<ClassDeclarationSyntax>())
        {
            if (context.SemanticModel.GetDeclaredSymbol(declaration, ct) is not { } type) continue;
            var attributes = type.GetAttributes();
            if (attributes.Any(a => a.Is(ModelReader.SplitModelAttribute)))
            {
                if (!models.Contains(type, SymbolEqualityComparer.Default)) models.Add(type);
            }
            else if (attributes.Any(a => a.Is(ModelReader.LayerBlockAttribute)))
            {
                hasBlock = true;
            }
        }
        if (hasBlock) models = models.Union(readings.AllModels(ct), SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>().ToList();
        foreach (var model in models)
        {
            foreach (var diagnostic in readings.Of(model, ct))
            {
                if (diagnostic.Location.SourceTree == tree) context.ReportDiagnostic(diagnostic);
            }
        }
    }

    /// <summary>Every diagnostic of each model, computed once per compilation by the first file that needs it (a
    /// cancelled computation is not kept).</summary>
    private sealed class ModelDiagnostics(Compilation compilation, ImmutableArray<ProfileEntry> profiles)
    {
        private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<Diagnostic>> byModel = new(SymbolEqualityComparer.Default);
        private ImmutableArray<INamedTypeSymbol>? all;

        public ImmutableArray<Diagnostic> Of(INamedTypeSymbol model, CancellationToken ct) =>
            byModel.TryGetValue(model, out var found) ? found : byModel.GetOrAdd(model, Compute(compilation, model, profiles, ct));

        public ImmutableArray<INamedTypeSymbol> AllModels(CancellationToken ct) =>
            all ??= SplitModels(compilation, ct).ToImmutableArray();
    }

    private static ImmutableArray<Diagnostic> Compute(Compilation compilation, INamedTypeSymbol type, ImmutableArray<ProfileEntry> profiles, CancellationToken ct)
    {
        var found = ImmutableArray.CreateBuilder<Diagnostic>();
        var attribute = type.GetAttributes().FirstOrDefault(a => a.Is(ModelReader.SplitModelAttribute));
        var layerMembers = ModelReader.LayerMembers(type);
        if (layerMembers.Count == 0
            && attribute?.ApplicationSyntaxReference?.GetSyntax(ct).FirstAncestorOrSelf<ClassDeclarationSyntax>() is { } declaration)
            found.Add(Diagnostic.Create(DiagnosticDescriptors.ModelWithoutLayers, declaration.Identifier.GetLocation(), type.Name));
        ReportLayersWithoutStages(found, type, layerMembers);

        var reading = ModelReader.Read(type, new ReadingSemanticModels(compilation).Get, ct);
        // The profile the generator applies: the first valid one for this model by ordinal path.
        var metadataName = ModelReader.MetadataName(type);
        var profile = profiles.FirstOrDefault(p => p.Profile.IsFor(type.Name, metadataName))?.Profile;
        var byName = reading.Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);

        ProfileRow? Covering(string layer)
        {
            if (profile?.Row(layer) is not { } row) return null;
            return byName.TryGetValue(layer, out var l) && l.ParametersStated && row.Parameters != l.Parameters ? null : row;
        }

        foreach (var issue in reading.Issues)
        {
            if (issue.Location is not { IsInSource: true } location) continue;
            if (issue.Descriptor == DiagnosticDescriptors.UnprofiledLayer && issue.Args[0] is string layer && Covering(layer) is not null) continue;
            var properties = issue.Descriptor == DiagnosticDescriptors.UnprofiledLayer && issue.Args[0] is string name ? LayerProperty(name, metadataName) : null;
            // HS0010: what each constructor assigns, for the code fix that states one of them with [LayerCost].
            if (issue.Properties is { } extra) properties = (properties ?? ImmutableDictionary<string, string?>.Empty).SetItems(extra);
            found.Add(Diagnostic.Create(issue.Descriptor, location, properties, issue.Args));
        }
        if (profile is null) return found.ToImmutable();

        var file = Path.GetFileName(profile.Path);
        string? profiledOnly = null; // the last layer costed only by the profile: no shape after it
        foreach (var layer in reading.Layers)
        {
            var row = profile.Row(layer.Name);
            if (row is not null && layer.ParametersStated && row.Parameters != layer.Parameters
                && (layer.ParametersLocation ?? layer.Location) is { IsInSource: true } stale)
            {
                found.Add(Diagnostic.Create(DiagnosticDescriptors.StaleProfile, stale,
                    file, Number(row.Parameters), layer.Name, Number(layer.Parameters), layer.Source == "Analysis" ? "analysed" : "[LayerCost]"));
            }
            if (layer.Out is not null) { profiledOnly = null; continue; }
            if (row is not null) { profiledOnly = layer.Name; continue; }
            if (layer.Source != "Analysis") { profiledOnly = null; continue; }
            if (profiledOnly is not null && layer.Location is { IsInSource: true } where)
            {
                found.Add(Diagnostic.Create(DiagnosticDescriptors.UnprofiledLayer, where, LayerProperty(layer.Name, metadataName), layer.Name, type.Name,
                    $"its input shape is unknown because layer '{profiledOnly}' before it is costed only by profile '{file}', which records no shapes"));
            }
        }
        return found.ToImmutable();
    }

    /// <summary>The name of the [Layer] member an HS0001 is about (the code fix finds its declaration by it when the
    /// diagnostic is in a constructor).</summary>
    public const string LayerPropertyName = "Layer";

    /// <summary>The metadata name of the model an HS0001 is about (the diagnostic may be inside a [LayerBlock] class).</summary>
    public const string ModelPropertyName = "Model";

    private static ImmutableDictionary<string, string?> LayerProperty(string layer, string model) =>
        ImmutableDictionary<string, string?>.Empty.Add(LayerPropertyName, layer).Add(ModelPropertyName, model);

    /// <summary>HS0009 at every layer that is not a Module&lt;Tensor, Tensor&gt; (the model then gets no ISplitModel).</summary>
    private static void ReportLayersWithoutStages(ImmutableArray<Diagnostic>.Builder found, INamedTypeSymbol type, List<ISymbol> layers)
    {
        foreach (var layer in layers)
        {
            var layerType = ModelParser.MemberType(type, layer.Name);
            if (layerType is null || layerType.TypeKind == TypeKind.Error || ModelParser.IsTensorModule(layerType)) continue;
            var location = layer.Locations.FirstOrDefault(l => l.IsInSource);
            if (location is null) continue;
            found.Add(Diagnostic.Create(DiagnosticDescriptors.LayerNotRunnable, location,
                layer.Name, layerType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), type.Name));
        }
    }

    /// <summary>HS0005 for a file that is not a profile; HS0006 for a model or layer name that matches nothing.</summary>
    private static void AnalyzeProfile(AdditionalFileAnalysisContext context, ImmutableArray<ProfileEntry> profiles)
    {
        var entry = profiles.FirstOrDefault(p => ReferenceEquals(p.File, context.AdditionalFile));
        if (entry is null) return;
        var profile = entry.Profile;
        var file = Path.GetFileName(profile.Path);
        if (profile.Problem is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidProfile,
                At(entry, problem.Start, problem.Length), file, problem.Message));
            return;
        }

        var models = SplitModels(context.Compilation, context.CancellationToken).ToList();
        var matching = models.Where(m => profile.IsFor(m.Name, ModelReader.MetadataName(m))).ToList();
        if (matching.Count == 0)
        {
            var names = models.Select(m => m.Name).Concat(models.Select(ModelReader.MetadataName));
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ProfileUnknownName,
                At(entry, profile.ModelStart, profile.ModelLength), file,
                $"is for model '{profile.Model}', which is not a [SplitModel] class of this project{Suggestions.DidYouMean(profile.Model, names)}"));
            return;
        }
        var layers = matching.SelectMany(m => ModelReader.LayerMembers(m)).Select(m => m.Name).ToList();
        foreach (var row in profile.Layers)
        {
            if (layers.Contains(row.Name)) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ProfileUnknownName,
                At(entry, row.NameStart, row.NameLength), file,
                $"has a row for layer '{row.Name}', but model '{matching[0].Name}' has no such [Layer]{Suggestions.DidYouMean(row.Name, layers)}"));
        }
    }

    private static IEnumerable<INamedTypeSymbol> SplitModels(Compilation compilation, CancellationToken ct) =>
        compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type, ct).OfType<INamedTypeSymbol>()
            .Where(t => t.GetAttributes().Any(a => a.Is(ModelReader.SplitModelAttribute)));

    private static Location At(ProfileEntry entry, int start, int length)
    {
        if (entry.Text is not { } text) return Location.None;
        start = Math.Max(0, Math.Min(start, text.Length));
        var span = new TextSpan(start, Math.Max(0, Math.Min(length, text.Length - start)));
        return Location.Create(entry.File.Path, span, text.Lines.GetLinePositionSpan(span));
    }

    private static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Semantic models for the files the reading of one model reaches: those of the model's partial declarations and of
    /// the [LayerBlock] classes its layers create (their members' initializers, constructors and attributes are read
    /// there), created once per reading. The reading asks only for trees it reaches through the model's own members, so
    /// any tree of the compilation is given; a tree of another compilation gives null (the reading skips what is there).
    /// </summary>
    private sealed class ReadingSemanticModels(Compilation compilation)
    {
        private readonly Dictionary<SyntaxTree, SemanticModel> models = new();

        public SemanticModel? Get(SyntaxTree tree)
        {
            if (models.TryGetValue(tree, out var model)) return model;
            if (!compilation.ContainsSyntaxTree(tree)) return null;
            // A semantic model made here is not shared with the compiler's (why Roslyn's RS1030 discourages it): a model is
            // read once per compilation, from whichever file needs its diagnostics first, so no analysis context hands
            // out the models of all the files it reaches.
            return models[tree] = compilation.GetSemanticModel(tree);
        }
    }
}
