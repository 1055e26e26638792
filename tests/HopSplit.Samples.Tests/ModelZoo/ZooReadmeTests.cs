using HopSplit.Planning.Model;
using HopSplit.Samples.ModelZoo;

namespace HopSplit.Samples.Tests.ModelZoo;

/// <summary>The numbers samples/ModelZoo/README.md quotes are the ones the sample computes.</summary>
public class ZooReadmeTests
{
    [Theory]
    [InlineData("vgg16", "VGG-16")]
    [InlineData("resnet18", "ResNet-18")]
    public void The_readme_row_of_each_model_has_the_samples_numbers(string key, string title)
    {
        var analysis = ZooAnalysis.Run(ZooModel.Named(key), EdgeToCloud.Network, 32);
        var row = Assert.Single(SampleReadme.Of("ModelZoo").Split('\n'), l => l.StartsWith($"| {title} |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries)[1..^1];
        var gpipe = analysis.Schedules.Single(s => s.Schedule == ScheduleKind.GPipe);
        var oneFOneB = analysis.Schedules.Single(s => s.Schedule == ScheduleKind.OneFOneB);
        var layers = analysis.Model.Costs.Layers;
        Assert.Equal(string.Join(", ", analysis.Plan.Segments.Select(s => $"{s.Node} {layers[s.FirstLayer].Name}..{layers[s.LastLayer].Name}")), cells[1]);
        Assert.Equal($"{analysis.Plan.MicroBatches} of {analysis.Plan.MicroBatchSize}", cells[2]);
        Assert.Equal(ZooTextReport.Seconds(analysis.Plan.LatencySeconds), cells[3]);
        Assert.Equal($"{ZooTextReport.Seconds(gpipe.MakespanSeconds)} / {ZooTextReport.Seconds(oneFOneB.MakespanSeconds)}", cells[4]);
        Assert.Equal(ZooTextReport.Seconds(analysis.LowerBound.Seconds), cells[5]);
        Assert.Equal(ZooTextReport.Seconds(analysis.Sequential.LatencySeconds), cells[6]);
        Assert.Equal(ZooTextReport.Speedup(oneFOneB.Speedup), cells[7]);
    }
}
