using System.Globalization;
using HopSplit.Generators.Tests.Infrastructure;

namespace HopSplit.Generators.Tests;

/// <summary>Profile files (format hopsplit-profile/1) and a model with a layer only a profile can cost.</summary>
internal static class ProfileSources
{
    /// <summary>A model whose middle layer (a custom module) the generator cannot analyse.</summary>
    public const string Tiny = ModelSources.Usings + """
        namespace Demo;

        public class Attention : nn.Module<Tensor, Tensor>
        {
            public Attention() : base("att") { }
            public override Tensor forward(Tensor x) => x;
        }

        [SplitModel(64)]
        public sealed partial class Tiny : nn.Module<Tensor, Tensor>
        {
            [Layer] readonly Linear fc1 = nn.Linear(64, 32);
            [Layer] readonly Attention att = new();
            [Layer] readonly Linear fc2 = nn.Linear(32, 10);
            public Tiny() : base(nameof(Tiny)) { RegisterComponents(); }
            public override Tensor forward(Tensor x) => fc2.forward(att.forward(fc1.forward(x)));
        }
        """;

    public sealed record Row(string Name, double ForwardFlops, double BackwardFlops, double OutputElements, double Parameters);

    /// <summary>A profile file's text as the profiler writes it (seconds = FLOPs / 2e10).</summary>
    public static string Json(string model, params Row[] rows)
    {
        static string N(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        var layers = string.Join(",\n", rows.Select((r, i) =>
            $$"""    { "index": {{i}}, "name": "{{r.Name}}", "forwardSeconds": {{N(r.ForwardFlops / 2e10)}}, "backwardSeconds": {{N(r.BackwardFlops / 2e10)}}, "forwardFlops": {{N(r.ForwardFlops)}}, "backwardFlops": {{N(r.BackwardFlops)}}, "outputElements": {{N(r.OutputElements)}}, "parameters": {{N(r.Parameters)}} }"""));
        return $$"""
            {
              "format": "hopsplit-profile/1",
              "model": "{{model}}",
              "machine": { "description": "x64 2 cores", "flopsPerSecond": 2e10 },
              "batchSize": 32,
              "layers": [
            {{layers}}
              ]
            }
            """;
    }

    public static TestAdditionalText File(string text, string path = "/project/profiles/model.hsprofile.json") => new(path, text);
}
