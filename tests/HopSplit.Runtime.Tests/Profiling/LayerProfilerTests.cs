using HopSplit.Profiling;
using TorchSharp;
using Xunit.Abstractions;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;

namespace HopSplit.Runtime.Tests.Profiling;

public class LayerProfilerTests(ITestOutputHelper output)
{
    static ModelProfile ProfileSmallCnn()
    {
        using var model = Model(seed: 41);
        using var scope = torch.NewDisposeScope();
        var (x, _) = Batch(16, seed: 1);
        return LayerProfiler.Profile(model, SmallCnn.Costs, x, new ProfilerOptions { WarmUp = 1, Repeats = 3 });
    }

    [Fact]
    public void Every_layer_is_measured_with_the_generated_tables_names_sizes_and_parameters()
    {
        var profile = ProfileSmallCnn();

        Assert.Equal("SmallCnn", profile.Model);
        Assert.Equal(16, profile.BatchSize);
        Assert.Equal(64, profile.InputElements);
        Assert.True(profile.MachineFlopsPerSecond > 1e8, $"{profile.MachineFlopsPerSecond} FLOP/s");
        Assert.Equal(SmallCnn.Costs.Layers.Select(l => l.Name), profile.Layers.Select(l => l.Name));
        Assert.Equal(Enumerable.Range(0, 7), profile.Layers.Select(l => l.Index));
        // Sizes and parameters are counted from real tensors: they must equal the generator's analysis.
        Assert.Equal(SmallCnn.Costs.Layers.Select(l => (long)l.OutputElements), profile.Layers.Select(l => l.OutputElements));
        Assert.Equal(SmallCnn.Costs.Layers.Select(l => (long)l.Parameters), profile.Layers.Select(l => l.Parameters));
        foreach (var layer in profile.Layers)
        {
            Assert.True(layer.ForwardSeconds > 0, $"{layer.Name}: forward {layer.ForwardSeconds}");
            Assert.Equal(layer.ForwardSeconds * profile.MachineFlopsPerSecond, layer.ForwardFlops, 6);
            Assert.Equal(layer.BackwardSeconds * profile.MachineFlopsPerSecond, layer.BackwardFlops, 6);
            output.WriteLine($"{layer.Name}: forward {layer.ForwardSeconds * 1e6:F2} us, backward {layer.BackwardSeconds * 1e6:F2} us per sample");
        }
        // The first layer (a convolution) has weights to back-propagate into even though its input is data.
        Assert.True(profile.Layers[0].BackwardSeconds > 0);
    }

    [Fact]
    public void A_profile_file_round_trips_and_becomes_a_cost_table()
    {
        var profile = ProfileSmallCnn();
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.hsprofile.json");
        try
        {
            profile.Write(path);
            var read = ModelProfile.Read(path);
            Assert.Equal(profile with { Layers = [] }, read with { Layers = [] });
            Assert.Equal(profile.Layers, read.Layers);
            Assert.Contains("\"format\": \"hopsplit-profile/1\"", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
        var costs = profile.ToModelCosts();
        Assert.Equal(SmallCnn.Costs.Layers.Select(l => l.Name), costs.Layers.Select(l => l.Name));
        Assert.Equal(64, costs.InputElements);
        Assert.Equal(profile.Layers[4].ForwardFlops, costs.Layers[4].ForwardFlops);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"format\": \"other/2\"}", "'format' is 'other/2', expected 'hopsplit-profile/1'")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"M\", \"machine\": {\"description\": \"x\", \"flopsPerSecond\": 1}, \"batchSize\": 2, \"inputElements\": 3, \"layers\": [{\"index\": 0}]}", "layers[0] has no 'name'")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": 5, \"machine\": {\"description\": \"x\", \"flopsPerSecond\": 1}, \"batchSize\": 2, \"inputElements\": 3, \"layers\": []}", "wrong type")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"M\"}", "the profile has no 'machine'")]
    public void A_bad_profile_file_is_refused_with_the_file_and_the_field(string content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.hsprofile.json");
        File.WriteAllText(path, content);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => ModelProfile.Read(path));
            Assert.Contains(path, error.Message);
            Assert.Contains(expected, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
