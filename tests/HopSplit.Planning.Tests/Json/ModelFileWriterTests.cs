using HopSplit.Planning.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Tests.Json;

/// <summary>The model JSON writer: what it writes, the reader reads back unchanged.</summary>
public class ModelFileWriterTests
{
    [Fact]
    public void A_written_model_reads_back_equal()
    {
        var model = new ModelCosts("conv \"net\" → v2", 784,
        [
            new ModelLayer("conv1", 1.5e5, 3.000000000000001e5, 6272, 80),
            new ModelLayer("relu", 6272, 12544, 6272, 0),
            new ModelLayer("fc", 0.1, 1e-300, 10, 7850),
        ], bytesPerElement: 2);

        var json = ModelFileWriter.Format(model);
        var read = PlanningFiles.ParseModel(json, "written");

        Assert.Equal(model.Name, read.Name);
        Assert.Equal(model.InputElements, read.InputElements);
        Assert.Equal(model.BytesPerElement, read.BytesPerElement);
        Assert.Equal(model.Layers, read.Layers); // doubles round-trip exactly
        Assert.Contains("\"forwardFlops\": 150000", json);
    }

    [Fact]
    public void The_example_model_survives_a_round_trip()
    {
        var model = Examples.TinyModel;
        Assert.Equal(model.Layers, PlanningFiles.ParseModel(ModelFileWriter.Format(model)).Layers);
    }
}
