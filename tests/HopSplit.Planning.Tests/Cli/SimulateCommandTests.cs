using System.Text.Json;
using HopSplit.Cli;

namespace HopSplit.Planning.Tests.Cli;

public class SimulateCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = HopSplitApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Args(string trace, params string[] extra) =>
    [
        "simulate", "--model", Examples.PathOf("tiny.model.json"), "--network", Examples.PathOf("campus.network.json"),
        "--batch", "64", "--trace", trace, .. extra,
    ];

    [Fact]
    public void Prints_formula_simulation_and_bound_per_schedule_and_writes_the_trace()
    {
        var trace = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.trace.json");
        try
        {
            var (code, output, error) = Run(Args(trace, "--schedule", "1f1b"));
            Assert.True(code == 0, error);
            // At the joint optimum (b = 2) 1f1b meets the formula and the lower bound; gpipe pays its drain.
            Assert.Contains("│ gpipe    │ 0.896752 s │ 1.007112 s         │ 0.896752 s", output);
            Assert.Contains("│ 1f1b     │ 0.896752 s │ 0.896752 s         │ 0.896752 s", output);
            using var document = JsonDocument.Parse(File.ReadAllText(trace));
            var events = document.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
            // 6 stages x 32 micro-batches x (forward + backward) complete events.
            Assert.Equal(6 * 32 * 2, events.Count(e => e.GetProperty("ph").GetString() == "X"));
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Fact]
    public void Json_output_has_both_schedules_and_the_bound()
    {
        var trace = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.trace.json");
        try
        {
            var (code, output, error) = Run(Args(trace, "--micro-batch", "8", "--json"));
            Assert.True(code == 0, error);
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            Assert.Equal(0.953008, root.GetProperty("formulaSeconds").GetDouble(), 9);
            var schedules = root.GetProperty("schedules").EnumerateArray().ToList();
            Assert.Equal(["gpipe", "1f1b"], schedules.Select(s => s.GetProperty("schedule").GetString()));
            var bound = root.GetProperty("lowerBoundSeconds").GetDouble();
            Assert.All(schedules, s => Assert.True(s.GetProperty("makespanSeconds").GetDouble() >= bound - 1e-12));
            Assert.True(File.Exists(trace));
        }
        finally
        {
            File.Delete(trace);
        }
    }
}

public class ParseErrorTests
{
    [Fact]
    public void Parse_errors_are_json_when_json_was_asked_for()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = HopSplitApp.Run(["plan", "--model", "m.json", "--network", "n.json", "--batch", "many", "--json"], output, error);
        Assert.Equal(ExitCodes.InvalidInput, code);
        using var document = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Contains("many", document.RootElement.GetProperty("error").GetString());
    }
}
