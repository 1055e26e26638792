using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using HopSplit.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Tests.Infrastructure;

/// <summary>The result of one checked generator run.</summary>
public sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output)
{
    public GeneratorRunResult Single => Result.Results.Single();

    /// <summary>Generated files by hint name, in ordinal order.</summary>
    public IReadOnlyList<(string HintName, string Text)> Sources =>
        Single.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => (s.HintName, s.SourceText.ToString())).ToList();
}

/// <summary>
/// Runs <see cref="NetworkGenerator"/> (or another generator) on source strings with offline .NET 10 reference assemblies plus
/// HopSplit, HopSplit.Planning and TorchSharp (metadata). Every run checks: no generator exception, no generator diagnostics,
/// and (unless disabled) an output compilation without errors or warnings, a second run on a clone with
/// every tracked step Cached or Unchanged, and no Roslyn objects held in any step output.
/// </summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The references of every test compilation (also used by the code fix workspaces).</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(HopSplit.EdgeDeviceAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(HopSplit.Planning.Model.Network).Assembly.Location),
        // Metadata only: no torch function is called (the libtorch natives are not installed).
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
    ];

    /// <summary>The const strings of <see cref="TrackingNames"/>.</summary>
    public static IReadOnlyList<string> AllTrackingNames { get; } = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "HopSplit.GeneratorTests.Input",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Input{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As the SDK does (NoWarn CS1701;CS1702): TorchSharp is built against net8.0's System.Runtime.
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    /// <summary>A driver for one generator: <see cref="NetworkGenerator"/> unless given.</summary>
    public static GeneratorDriver CreateDriver(IIncrementalGenerator? generator = null, IEnumerable<AdditionalText>? additionalTexts = null) => CSharpGeneratorDriver.Create(
        [(generator ?? new NetworkGenerator()).AsSourceGenerator()],
        additionalTexts: additionalTexts,
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator with all the checks; <paramref name="expectValidOutput"/> false skips the
    /// compile-the-output check (for broken inputs, whose own errors remain).</summary>
    public static GeneratorRun Run(string[] sources, bool expectValidOutput = true, IIncrementalGenerator? generator = null,
        IEnumerable<AdditionalText>? additionalTexts = null)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver(generator, additionalTexts);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(generatorDiagnostics);
        if (expectValidOutput)
        {
            var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, "output compilation diagnostics:\n" + string.Join("\n", problems));
        }

        // Caching: the same input again (a clone is a new compilation object) must reuse every step.
        var second = driver.RunGenerators(compilation.Clone()).GetRunResult();
        AssertAllCached(second);
        AssertNoRoslynObjects(result);
        AssertNoRoslynObjects(second);
        Assert.Equal(
            result.Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
        return new GeneratorRun(result, output);
    }

    /// <summary>Every tracked step (named in <see cref="TrackingNames"/>) is Cached or Unchanged, and
    /// every output step is Cached.</summary>
    public static void AssertAllCached(GeneratorDriverRunResult result)
    {
        var run = result.Results.Single();
        foreach (var name in AllTrackingNames)
        {
            if (!run.TrackedSteps.TryGetValue(name, out var steps)) continue;
            foreach (var output in steps.SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {name} was {output.Reason}");
            }
        }
        foreach (var (name, steps) in run.TrackedOutputSteps)
        {
            foreach (var output in steps.SelectMany(s => s.Outputs))
                Assert.True(output.Reason == IncrementalStepRunReason.Cached, $"output step {name} was {output.Reason}");
        }
    }

    /// <summary>Walks every tracked step output and fails on symbols, syntax, semantic models,
    /// compilations, locations or attribute data (they would defeat caching and pin compilations).</summary>
    public static void AssertNoRoslynObjects(GeneratorDriverRunResult result)
    {
        var run = result.Results.Single();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var name in AllTrackingNames)
        {
            if (!run.TrackedSteps.TryGetValue(name, out var steps)) continue;
            foreach (var (value, _) in steps.SelectMany(s => s.Outputs))
                Walk(value, name, visited);
        }
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null) return;
        var type = value.GetType();
        Assert.False(
            value is ISymbol or SyntaxNode or SemanticModel or Compilation or Location or AttributeData or SyntaxTree,
            $"{path} holds a {type.FullName}");
        if (type.IsPrimitive || value is string || type.IsEnum) return;
        if (!type.IsValueType && !visited.Add(value)) return;
        if (value is IEnumerable sequence)
        {
            var i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", visited);
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}
