using System.Text.Json;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>
/// `hopsplit train` in one process on the Digits sample's build output: the tool finds DigitNet, the sample's
/// DigitsTrainingData and its [EdgeNetwork], plans, trains over the emulated network and reports.
/// </summary>
public class TrainToolTests
{
    [Fact]
    public void Trains_over_the_emulated_network_and_reports_json_scripts_can_read()
    {
        var (code, output, error) = HopsplitTool.Run("train", "--assembly", HopsplitTool.DigitsApplication,
            "--batch", "16", "--steps", "3", "--schedule", "1f1b", "--json");

        Assert.True(code == 0, error + output);
        using var json = JsonDocument.Parse(output);
        var plan = json.RootElement.GetProperty("plan");
        Assert.Equal("HopSplit.Samples.Digits.DigitNet", plan.GetProperty("model").GetString());
        Assert.Equal("HopSplit.Samples.Digits.DigitsTrainingData", plan.GetProperty("data").GetString());
        Assert.Equal("1f1b", plan.GetProperty("schedule").GetString());
        Assert.Equal(16, plan.GetProperty("batchSize").GetInt32());
        Assert.Equal("sensor", plan.GetProperty("path")[0].GetString());
        var segments = plan.GetProperty("segments").EnumerateArray().ToArray();
        Assert.Equal(0, segments[0].GetProperty("firstLayer").GetInt32());
        Assert.Equal(9, segments[^1].GetProperty("lastLayer").GetInt32());
        Assert.StartsWith("conv1", segments[0].GetProperty("layers").GetString());

        var training = json.RootElement.GetProperty("training");
        Assert.Equal("in-process", training.GetProperty("mode").GetString());
        Assert.Equal(3, training.GetProperty("steps").GetInt32());
        var losses = training.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(3, losses.Length);
        // Ten classes from random weights: the loss starts near ln 10 = 2.30.
        Assert.InRange(losses[0], 1.8, 2.8);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
        Assert.Equal(losses[^1], training.GetProperty("finalLoss").GetDouble());
        Assert.Equal(2, training.GetProperty("measuredSteps").GetInt32());

        // Every task waits out its emulated time, so a step cannot beat the simulator (a loaded machine only makes it slower).
        var simulated = training.GetProperty("simulatedSeconds").GetDouble();
        var measured = training.GetProperty("measuredSeconds").GetDouble();
        Assert.Equal(plan.GetProperty("simulatedSeconds").GetDouble(), simulated, 9);
        Assert.True(measured >= simulated * 0.95 && double.IsFinite(measured), $"measured {measured} s, simulated {simulated} s");
        Assert.Equal(measured / simulated, training.GetProperty("measuredOverSimulated").GetDouble(), 9);
        Assert.True(training.GetProperty("formulaSeconds").GetDouble() > 0);
        Assert.True(training.GetProperty("measuredWallSeconds").GetDouble() >= measured);
        var stages = training.GetProperty("stages").EnumerateArray().ToArray();
        Assert.Equal("node sensor", stages[0].GetProperty("stage").GetString());
        Assert.Contains(stages, s => s.GetProperty("stage").GetString()!.StartsWith("link sensor->", StringComparison.Ordinal));
        Assert.All(stages, s => Assert.True(s.GetProperty("measuredForwardSeconds").GetDouble() > 0));

        Assert.InRange(training.GetProperty("testAccuracy").GetDouble(), 0, 1);
        Assert.Equal(2000, training.GetProperty("testSamples").GetInt32());
    }

    [Fact]
    public void Prints_the_plan_a_line_per_step_and_the_report_when_not_on_a_terminal()
    {
        var (code, output, error) = HopsplitTool.Run("train", "--assembly", HopsplitTool.DigitsApplication,
            "--network-type", "DigitsNetwork", "--batch", "8", "--steps", "2");

        Assert.True(code == 0, error + output);
        Assert.Contains("Plan for HopSplit.Samples.Digits.DigitNet on data HopSplit.Samples.Digits.DigitsTrainingData: sensor -> ", output);
        Assert.Contains("conv1, relu1, pool1", output);
        Assert.Matches(@"step 1/2: loss \d\.\d{4}", output);
        Assert.Matches(@"step 2/2: loss \d\.\d{4}", output);
        Assert.Contains("Trained 2 steps: loss ", output);
        Assert.Matches(@"Test accuracy: \d+\.\d% on 2000 held-out samples", output);
        Assert.Contains("Step time (median of 1 steps after the first): measured ", output);
        Assert.Contains("link sensor->", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Plans_on_a_network_file_instead_of_the_applications_network()
    {
        var network = Path.Combine(HopsplitTool.RepositoryRoot, "samples", "planning", "campus.network.json");
        var (code, output, error) = HopsplitTool.Run("train", "--assembly", HopsplitTool.DigitsApplication, "--network", network,
            "--batch", "8", "--steps", "1", "--json");

        Assert.True(code == 0, error + output);
        using var json = JsonDocument.Parse(output);
        // The campus network's phone is fast enough to train DigitNet alone.
        Assert.Equal(["phone"], json.RootElement.GetProperty("plan").GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1, json.RootElement.GetProperty("training").GetProperty("steps").GetInt32());
    }

    [Fact]
    public void Bad_input_gets_one_line_naming_the_flag_and_exit_code_1()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-app.dll");
        AssertRefused(["--assembly", missing, "--batch", "8"], $"error: --assembly: {missing} does not exist; give the .dll in the application's build output");
        AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--model", "Vgg"],
            "error: --model: digits has no [SplitModel] class named 'Vgg' (it has: HopSplit.Samples.Digits.DigitNet)");
        AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--data", "Cifar"],
            "error: --data: digits has no ITrainingData class named 'Cifar' (it has: HopSplit.Samples.Digits.DigitsTrainingData)");
        var noNetwork = Path.Combine(Path.GetTempPath(), "no-such.network.json");
        AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--network", noNetwork],
            $"error: --network: {noNetwork}: cannot read the network file: Could not find file '{noNetwork}'.");
        AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--network-type", "Campus"],
            "error: --network-type: digits has no [EdgeNetwork] class named 'Campus' (it has: HopSplit.Samples.Digits.DigitsNetwork)");

        // Scripts asking for JSON get the same message as JSON on standard output.
        var (code, output, _) = HopsplitTool.Run("train", "--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--model", "Vgg", "--json");
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith("--model: digits has no [SplitModel] class named 'Vgg'", json.RootElement.GetProperty("error").GetString());
    }

    /// <summary>`hopsplit train ARGS` fails with exit code 1 and one line on standard error: <paramref name="expected"/>.</summary>
    internal static void AssertRefused(string[] args, string expected) => Assert.Equal(expected, RefusedLine(args, exitCode: 1));

    /// <summary>`hopsplit train ARGS` fails with <paramref name="exitCode"/>; the one line it writes on standard error.</summary>
    internal static string RefusedLine(string[] args, int exitCode)
    {
        var (code, output, error) = HopsplitTool.Run(["train", .. args]);
        Assert.True(code == exitCode, $"exit code {code}, expected {exitCode}: {error}{output}");
        var lines = error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"one line expected: {error}");
        return lines[0].TrimEnd();
    }
}
