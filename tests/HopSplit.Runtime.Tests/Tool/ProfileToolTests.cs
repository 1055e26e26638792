using HopSplit.Profiling;
using HopSplit.Samples.Digits;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>
/// `hopsplit profile` as a user runs it: the tool, in a process of its own, profiles a model in a built
/// application (the Digits sample's build output) with that application's own HopSplit and libtorch.
/// </summary>
public class ProfileToolTests
{
    [Fact]
    public void Profiles_the_model_of_a_built_application_and_writes_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.hsprofile.json");
        try
        {
            var (code, output, error) = HopsplitTool.Run("profile", "--assembly", HopsplitTool.DigitsApplication, "--batch", "16", "--out", path);

            Assert.True(code == 0, error + output);
            Assert.Contains("HopSplit.Samples.Digits.DigitNet: 10 layers measured on batches of 16", output);
            var profile = ModelProfile.Read(path);
            Assert.Equal(DigitNet.Costs.Layers.Select(l => l.Name), profile.Layers.Select(l => l.Name));
            Assert.Equal(DigitNet.Costs.Layers.Select(l => (long)l.Parameters), profile.Layers.Select(l => l.Parameters));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_unknown_model_is_named_with_the_ones_there_are()
    {
        var (code, _, error) = HopsplitTool.Run("profile", "--assembly", HopsplitTool.DigitsApplication, "--model", "Resnet");
        Assert.Equal(1, code);
        Assert.Contains("digits has no [SplitModel] class named 'Resnet' (it has: HopSplit.Samples.Digits.DigitNet)", error);
    }

    [Fact]
    public void A_missing_or_foreign_assembly_is_refused_by_name()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-app.dll");
        var (code, _, error) = HopsplitTool.Run("profile", "--assembly", missing);
        Assert.Equal(1, code);
        Assert.Contains($"--assembly: {missing} does not exist", error);

        var notAssembly = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.dll");
        File.WriteAllText(notAssembly, "not a dll");
        try
        {
            (code, _, error) = HopsplitTool.Run("profile", "--assembly", notAssembly);
            Assert.Equal(1, code);
            Assert.Contains("cannot use", error);
        }
        finally
        {
            File.Delete(notAssembly);
        }
    }
}
