using System.Globalization;
using System.Text.Json;
using HopSplit.Cli;

namespace HopSplit.Planning.Tests.Cli;

/// <summary>`hopsplit plan` end to end through <see cref="HopSplitApp.Run"/>, on the MODEL.md example files.</summary>
public class PlanCommandTests
{
    private static readonly string ModelFile = Examples.PathOf("tiny.model.json");
    private static readonly string NetworkFile = Examples.PathOf("campus.network.json");
    private const double JointOptimum = 0.896752;

    private sealed record Result(int ExitCode, string Output, string Error);

    private static Result Run(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = HopSplitApp.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    private static Result Plan(params string[] extra) =>
        Run(["plan", "--model", ModelFile, "--network", NetworkFile, "--batch", "64", .. extra]);

    private static JsonElement Json(Result result)
    {
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    /// <summary>A user's message, not a crash: no .NET stack frames, no exception type names.</summary>
    private static void NoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
    }

    private static string TempFile(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Table_shows_the_path_latency_and_speedup()
    {
        var result = Plan();
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("phone -> ap -> edge -> cloud", result.Output);
        Assert.Contains("0.896752 s", result.Output);
        Assert.Contains("1.785904 s", result.Output);
        Assert.Contains("1.99x", result.Output);
        Assert.Contains("Segments", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Json_has_the_joint_optimum()
    {
        var json = Json(Plan("--json"));
        Assert.Equal("bsp", json.GetProperty("algorithm").GetString());
        Assert.Equal(64, json.GetProperty("batchSize").GetInt32());
        Assert.Equal(2, json.GetProperty("microBatchSize").GetInt32());
        Assert.Equal(32, json.GetProperty("microBatches").GetInt32());
        Assert.Equal(JointOptimum, json.GetProperty("latencySeconds").GetDouble(), 6);
        Assert.Equal(1.785904, json.GetProperty("sequentialLatencySeconds").GetDouble(), 6);
        Assert.Equal(["phone", "ap", "edge", "cloud"], json.GetProperty("path").EnumerateArray().Select(e => e.GetString()));
        var segments = json.GetProperty("segments").EnumerateArray()
            .Select(s => $"{s.GetProperty("node").GetString()} {s.GetProperty("firstLayer").GetInt32()}..{s.GetProperty("lastLayer").GetInt32()}");
        Assert.Equal(["phone 0..0", "edge 1..1", "cloud 2..3"], segments);
        Assert.Equal("cloud", json.GetProperty("bottleneck").GetString());
    }

    [Fact]
    public void Json_stages_have_kind_id_and_times()
    {
        var stages = Json(Plan("--json")).GetProperty("stages").EnumerateArray().ToList();
        Assert.NotEmpty(stages);
        foreach (var stage in stages)
        {
            Assert.Contains(stage.GetProperty("kind").GetString(), new[] { "compute", "link" });
            Assert.False(string.IsNullOrEmpty(stage.GetProperty("id").GetString()));
            Assert.True(stage.GetProperty("forwardSeconds").GetDouble() >= 0);
            Assert.True(stage.GetProperty("backwardSeconds").GetDouble() >= 0);
        }
        var compute = stages.Where(s => s.GetProperty("kind").GetString() == "compute").Select(s => s.GetProperty("id").GetString());
        Assert.Equal(["phone", "edge", "cloud"], compute);
        Assert.Contains(stages, s => s.GetProperty("kind").GetString() == "link");
    }

    [Fact]
    public void Fixed_micro_batch_of_eight()
    {
        var json = Json(Plan("--micro-batch", "8", "--json"));
        Assert.Equal(8, json.GetProperty("microBatchSize").GetInt32());
        Assert.Equal(8, json.GetProperty("microBatches").GetInt32());
        Assert.Equal(0.953008, json.GetProperty("latencySeconds").GetDouble(), 6);
        Assert.Contains("0.953008 s", Plan("--micro-batch", "8").Output);
    }

    [Theory]
    [InlineData("bsp")]
    [InlineData("sequential")]
    [InlineData("even")]
    [InlineData("two-tier")]
    [InlineData("bottleneck")]
    [InlineData("exhaustive")]
    public void Every_algorithm_plans_no_faster_than_the_joint_optimum(string algorithm)
    {
        var json = Json(Plan("--algorithm", algorithm, "--json"));
        Assert.Equal(algorithm, json.GetProperty("algorithm").GetString());
        var latency = json.GetProperty("latencySeconds").GetDouble();
        Assert.True(latency >= JointOptimum - 1e-9, $"{algorithm}: {latency} s beats the optimum {JointOptimum} s");
        if (algorithm is "bsp" or "exhaustive") Assert.Equal(JointOptimum, latency, 6);
        if (algorithm == "sequential") Assert.Equal(1.785904, latency, 6);
    }

    [Fact]
    public void Every_algorithm_also_prints_a_table()
    {
        foreach (var algorithm in new[] { "sequential", "even", "two-tier", "bottleneck", "exhaustive" })
        {
            var result = Plan("--algorithm", algorithm);
            Assert.True(result.ExitCode == ExitCodes.Success, $"{algorithm}: {result.Error}");
            Assert.Contains($"({algorithm})", result.Output);
        }
    }

    [Fact]
    public void Invalid_file_exits_one_and_names_the_field()
    {
        var model = TempFile("""{ "inputElements": 100, "layers": [ { "name": "l0", "forwardFlops": -1, "outputElements": 10 } ] }""");
        try
        {
            var result = Run("plan", "--model", model, "--network", NetworkFile, "--batch", "64");
            Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
            Assert.Contains("layers[0].forwardFlops", result.Error);
            Assert.Contains(model, result.Error);
            NoStackTrace(result.Error);
            Assert.Equal("", result.Output);

            var json = Run("plan", "--model", model, "--network", NetworkFile, "--batch", "64", "--json");
            Assert.Equal(ExitCodes.InvalidInput, json.ExitCode);
            using var document = JsonDocument.Parse(json.Output);
            Assert.Contains("layers[0].forwardFlops", document.RootElement.GetProperty("error").GetString());
        }
        finally
        {
            File.Delete(model);
        }
    }

    [Fact]
    public void A_model_that_fits_nowhere_exits_two_and_names_the_node()
    {
        var network = TempFile("""
            {
              "nodes": [
                { "id": "phone", "flops": 1e10, "memoryBytes": 1000 },
                { "id": "cloud", "flops": 2e11, "memoryBytes": 2000 }
              ],
              "links": [ { "from": "phone", "to": "cloud", "bitsPerSecond": 1e8 } ],
              "source": "phone"
            }
            """);
        try
        {
            var result = Run("plan", "--model", ModelFile, "--network", network, "--batch", "64");
            Assert.Equal(ExitCodes.Infeasible, result.ExitCode);
            Assert.Contains("'phone'", result.Error);
            Assert.Contains("bytes short", result.Error);
            NoStackTrace(result.Error);

            var json = Run("plan", "--model", ModelFile, "--network", network, "--batch", "64", "--json");
            Assert.Equal(ExitCodes.Infeasible, json.ExitCode);
            using var document = JsonDocument.Parse(json.Output);
            Assert.Contains("bytes short", document.RootElement.GetProperty("error").GetString());
        }
        finally
        {
            File.Delete(network);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public void Micro_batch_outside_one_to_the_batch_size_is_rejected(string microBatch)
    {
        var result = Plan("--micro-batch", microBatch);
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("--micro-batch", result.Error);
        Assert.Contains($"{microBatch} is not allowed", result.Error);
        Assert.Contains("between 1 and the batch size 64", result.Error);
        NoStackTrace(result.Error);
    }

    [Fact]
    public void Micro_batch_rejection_with_json_prints_an_error_object()
    {
        var result = Plan("--micro-batch", "0", "--json");
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Contains("--micro-batch", document.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Missing_model_option_fails()
    {
        var result = Run("plan", "--network", NetworkFile, "--batch", "64");
        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("--model", result.Error);
        NoStackTrace(result.Error);
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--batch", "many")]
    [InlineData("--algorithm", "fastest")]
    [InlineData("--micro-batch", "eight")]
    public void Bad_flag_values_fail_without_a_stack_trace(string flag, string value)
    {
        var args = new List<string> { "plan", "--model", ModelFile, "--network", NetworkFile };
        if (flag != "--batch") args.AddRange(["--batch", "64"]);
        args.AddRange([flag, value]);
        var result = Run([.. args]);
        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains(value, result.Error);
        NoStackTrace(result.Error);
    }

    [Fact]
    public void Nonexistent_file_exits_one_and_names_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"hopsplit-missing-{Guid.NewGuid():N}.json");
        var result = Run("plan", "--model", missing, "--network", NetworkFile, "--batch", "64");
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(missing, result.Error);
        Assert.Contains("cannot read the model file", result.Error);
        NoStackTrace(result.Error);

        var json = Run("plan", "--model", ModelFile, "--network", missing, "--batch", "64", "--json");
        Assert.Equal(ExitCodes.InvalidInput, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Contains("cannot read the network file", document.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void A_directory_given_as_the_model_exits_one()
    {
        var result = Run("plan", "--model", Path.GetTempPath(), "--network", NetworkFile, "--batch", "64");
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("cannot read the model file", result.Error);
        NoStackTrace(result.Error);
    }
}
