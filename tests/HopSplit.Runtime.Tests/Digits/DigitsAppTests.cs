using System.Text.Json;
using HopSplit.Profiling;
using HopSplit.Samples.Digits;

namespace HopSplit.Runtime.Tests.Digits;

/// <summary>The sample's command line as a user runs it: the main job, the profiler, the bench, and bad arguments.</summary>
public class DigitsAppTests
{
    static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DigitsApp.Run(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_main_job_trains_reports_and_writes_its_files()
    {
        var folder = Directory.CreateTempSubdirectory("hopsplit-digits-").FullName;
        try
        {
            var summaryPath = Path.Combine(folder, "summary.json");
            var (code, output, error) = Run("--steps", "2", "--sequential-steps", "2", "--out", folder, "--summary-json", summaryPath);

            Assert.True(code == 0, error);
            Assert.Contains("Plan: sensor -> gateway -> edge", output);
            Assert.Contains("pipelined training (the first 3 steps warm up, unmeasured): 5 steps", output);
            Assert.Contains("Speedup of pipelining: measured", output);
            Assert.Contains("Test accuracy:", output);

            using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = summary.RootElement;
            Assert.Equal("1f1b", root.GetProperty("schedule").GetString());
            Assert.Equal(8, root.GetProperty("microBatchSize").GetInt32());
            Assert.Equal(["sensor", "gateway", "edge"], root.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("node").GetString()));
            foreach (var name in new[] { "predictedSeconds", "simulatedSeconds", "measuredSeconds", "sequentialMeasuredSeconds", "predictedSpeedup", "measuredSpeedup" })
                Assert.True(root.GetProperty(name).GetDouble() > 0, name);
            // Emulated steps never beat the simulator.
            Assert.True(root.GetProperty("measuredSeconds").GetDouble() >= root.GetProperty("simulatedSeconds").GetDouble());
            var accuracy = root.GetProperty("testAccuracy").GetDouble();
            Assert.InRange(accuracy, 0, 1);

            var png = File.ReadAllBytes(Path.Combine(folder, "timeline.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            using var trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "timeline.trace.json")));
            Assert.True(trace.RootElement.GetProperty("traceEvents").GetArrayLength() > 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Profile_writes_a_profile_file_of_every_layer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.hsprofile.json");
        try
        {
            var (code, output, error) = Run("profile", "--out", path, "--batch", "16");
            Assert.True(code == 0, error);
            var profile = ModelProfile.Read(path);
            Assert.Equal("DigitNet", profile.Model);
            Assert.Equal(DigitNet.Costs.Layers.Select(l => l.Name), profile.Layers.Select(l => l.Name));
            Assert.Contains("this machine runs a dense matrix product at", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--schedule", "fast")]
    [InlineData("--steps", "0")]
    [InlineData("--unknown")]
    public void Bad_arguments_are_refused_with_a_message(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(args[0] == "--steps" ? "--steps must be at least 1" : args[^1], error);
    }

    [Fact]
    public void A_missing_mnist_folder_is_named()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"no-such-mnist-{Guid.NewGuid():N}");
        var (code, _, error) = Run("--mnist", folder, "--steps", "1");
        Assert.Equal(DigitsApp.InvalidInput, code);
        Assert.Contains(folder, error);
    }
}
