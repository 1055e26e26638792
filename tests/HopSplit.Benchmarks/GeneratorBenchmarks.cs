using System.Collections.Immutable;
using System.Runtime.Loader;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using HopSplit.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Benchmarks;

/// <summary>
/// ModelGenerator and NetworkGenerator on a synthetic [SplitModel] with 200 [Layer] fields (Linear and ReLU,
/// alternating) and one unrelated class in another file. With DistinctLayers every initializer's text differs
/// (<c>nn.Linear(64, 64 + 0 * i)</c>), so the generator cannot bind identical initializers once (real models sit in
/// between: repeated ReLU, Dropout, BatchNorm or blocks). Cold: a new driver on a clone of the compilation (a
/// clone has fresh symbols, so the binding the generators trigger is paid again, as in a fresh build).
/// Incremental: a driver that has already run, on the compilation plus an unrelated class (UnrelatedFile) or with
/// a method body of the unrelated class edited (MethodBodyEdit); the model analysis should be skipped.
/// <para>
/// Before/after in one run: set HOPSPLIT_BASELINE_GENERATORS to the path of an older HopSplit.Generators.dll
/// and every benchmark also runs with that build's generators (loaded in their own AssemblyLoadContext) as
/// Generators=baseline.
/// </para>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15)]
public class GeneratorBenchmarks
{
    public const int LayerCount = 200;
    public const string BaselineVariable = "HOPSPLIT_BASELINE_GENERATORS";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private const string OtherSource = "namespace Other; public sealed class Service { public int Compute(int x) { return x + 1; } }";

    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warmDriver = null!;
    private SyntaxTree _unrelated = null!;
    private SyntaxTree _other = null!;
    private SyntaxTree _otherEdited = null!;
    private ISourceGenerator[] _generators = null!;

    /// <summary>"current" (this build) and, when HOPSPLIT_BASELINE_GENERATORS names a file, "baseline".</summary>
    [ParamsSource(nameof(Versions))]
    public string Generators { get; set; } = "current";

    [Params(false, true)]
    public bool DistinctLayers { get; set; }

    public static IEnumerable<string> Versions() =>
        File.Exists(Environment.GetEnvironmentVariable(BaselineVariable) ?? "") ? ["current", "baseline"] : ["current"];

    [GlobalSetup]
    public void Setup()
    {
        _generators = Generators == "baseline" ? LoadBaseline() : [new ModelGenerator().AsSourceGenerator(), new NetworkGenerator().AsSourceGenerator()];
        ImmutableArray<MetadataReference> references =
        [
            .. Basic.Reference.Assemblies.Net100.References.All,
            MetadataReference.CreateFromFile(typeof(HopSplit.SplitModelAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(HopSplit.Planning.Model.Network).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
        ];
        var other = _other = CSharpSyntaxTree.ParseText(OtherSource, ParseOptions, path: "Other.cs");
        _compilation = CSharpCompilation.Create("HopSplit.Benchmarks.Input",
            [CSharpSyntaxTree.ParseText(ModelSource(LayerCount, DistinctLayers), ParseOptions, path: "BigModel.cs"), other],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));
        _unrelated = CSharpSyntaxTree.ParseText("namespace Other; public sealed class Unrelated { public int Value => 42; }", ParseOptions, path: "Unrelated.cs");
        _otherEdited = CSharpSyntaxTree.ParseText(OtherSource.Replace("return x + 1;", "var y = x * 2; return y + 1;"), ParseOptions, path: "Other.cs");

        _warmDriver = NewDriver().RunGenerators(_compilation);
        // The benchmark is only meaningful if the model is generated without problems.
        var run = _warmDriver.GetRunResult();
        if (run.Diagnostics.Length > 0 || run.Results.Any(r => r.Exception is not null)
            || !run.Results.SelectMany(r => r.GeneratedSources).Any(s => s.HintName.Contains("BigModel")))
            throw new InvalidOperationException("the synthetic model did not generate cleanly: " + string.Join("; ", run.Diagnostics));
    }

    /// <summary>A new driver with both generators on a fresh clone of the compilation.</summary>
    [Benchmark]
    public GeneratorDriver Cold() => NewDriver().RunGenerators(_compilation.Clone());

    /// <summary>The driver after a first run, on the compilation plus an unrelated syntax tree.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalUnrelatedFile() => _warmDriver.RunGenerators(_compilation.AddSyntaxTrees(_unrelated));

    /// <summary>The driver after a first run, with a method body in another file edited (a new compilation each
    /// time, as every edit makes: reusing one would let its cached binding flatter the old generator).</summary>
    [Benchmark]
    public GeneratorDriver IncrementalMethodBodyEdit() => _warmDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_other, _otherEdited));

    private GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(_generators, parseOptions: ParseOptions);

    /// <summary>ModelGenerator and NetworkGenerator of another build of HopSplit.Generators.dll, in their own load
    /// context (Roslyn itself comes from the default context, so the types match).</summary>
    private static ISourceGenerator[] LoadBaseline()
    {
        var assembly = new AssemblyLoadContext("baseline-generators").LoadFromAssemblyPath(
            Path.GetFullPath(Environment.GetEnvironmentVariable(BaselineVariable)!));
        string[] names = ["HopSplit.Generators.ModelGenerator", "HopSplit.Generators.NetworkGenerator"];
        return names.Select(name => ((IIncrementalGenerator)Activator.CreateInstance(assembly.GetType(name, throwOnError: true)!)!).AsSourceGenerator())
            .ToArray();
    }

    /// <summary>[SplitModel(64)] with <paramref name="layers"/> fields: Linear(64, 64) and ReLU, alternating; with
    /// <paramref name="distinct"/> each initializer's text is different (same costs).</summary>
    public static string ModelSource(int layers, bool distinct = false)
    {
        var source = new StringBuilder("""
            using HopSplit;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            namespace Synthetic;

            [SplitModel(64)]
            public sealed partial class BigModel : nn.Module<Tensor, Tensor>
            {
                public BigModel() : base(nameof(BigModel)) { RegisterComponents(); }

            """);
        for (var i = 0; i < layers; i++)
        {
            source.AppendLine(i % 2 == 0
                ? $"    [Layer] readonly Linear fc{i} = nn.Linear(64, 64{(distinct ? $" + 0 * {i}" : "")});"
                : $"    [Layer] readonly ReLU relu{i} = nn.ReLU({(distinct ? $"inplace: {i} < 0" : "")});");
        }
        return source.Append("}\n").ToString();
    }
}
