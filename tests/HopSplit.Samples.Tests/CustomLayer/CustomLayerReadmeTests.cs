using HopSplit.Samples.CustomLayer;

namespace HopSplit.Samples.Tests.CustomLayer;

/// <summary>The output samples/CustomLayer/README.md shows is what the sample prints ("..." stands for lines left out).</summary>
public class CustomLayerReadmeTests
{
    [Fact]
    public void The_readme_shows_the_samples_output()
    {
        var output = new StringWriter();
        CustomLayerApp.Run(output);
        var printed = output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

        var readme = SampleReadme.Of("CustomLayer").Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = readme.IndexOf("```text\nSeNet:", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README shows the sample's output in a ```text block starting with 'SeNet:'");
        start += "```text\n".Length;
        var shown = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].TrimEnd('\n').Split('\n');

        // Every shown line is printed, in the same order.
        var next = 0;
        foreach (var line in shown.Where(l => l.Trim() != "..."))
        {
            var found = Array.IndexOf(printed, line, next);
            Assert.True(found >= 0, $"the README shows a line the sample does not print (in this order): '{line}'");
            next = found + 1;
        }
        Assert.Contains(shown, l => l.StartsWith("Predicted ", StringComparison.Ordinal));
    }
}
