using HopSplit.Planning.Json;
using HopSplit.Samples.Digits;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>`hopsplit costs` on the Digits sample's build output: the generated cost table as model JSON.</summary>
public class CostsToolTests
{
    [Fact]
    public void Prints_the_generated_cost_table_as_the_model_json_plan_reads()
    {
        var (code, output, error) = HopsplitTool.Run("costs", "--assembly", HopsplitTool.DigitsApplication);

        Assert.True(code == 0, error);
        var model = PlanningFiles.ParseModel(output, "hopsplit costs output");
        Assert.Equal(DigitNet.Costs.Name, model.Name);
        Assert.Equal(DigitNet.Costs.InputElements, model.InputElements);
        Assert.Equal(DigitNet.Costs.Layers, model.Layers);
    }

    [Fact]
    public void Writes_the_file_and_names_an_unknown_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hopsplit-{Guid.NewGuid():N}.model.json");
        try
        {
            var (code, output, error) = HopsplitTool.Run("costs", "--assembly", HopsplitTool.DigitsApplication, "--model", "DigitNet", "--out", path);
            Assert.True(code == 0, error);
            Assert.Contains("Wrote HopSplit.Samples.Digits.DigitNet's cost table (10 layers)", output);
            Assert.Equal(DigitNet.Costs.Layers, PlanningFiles.LoadModel(path).Layers);
        }
        finally
        {
            File.Delete(path);
        }
        var (unknown, _, message) = HopsplitTool.Run("costs", "--assembly", HopsplitTool.DigitsApplication, "--model", "Vgg");
        Assert.Equal(1, unknown);
        Assert.Contains("has no [SplitModel] class named 'Vgg'", message);
    }
}
