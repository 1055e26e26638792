using System.Text.Encodings.Web;
using System.Text.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Profiling;

/// <summary>One layer as measured on this machine, per sample.</summary>
/// <param name="Index">0-based position in the model's chain.</param>
/// <param name="Name">The [Layer] member's name.</param>
/// <param name="ForwardSeconds">Median forward seconds per sample.</param>
/// <param name="BackwardSeconds">Median backward seconds per sample (input and parameter gradients).</param>
/// <param name="ForwardFlops">Forward seconds times the machine's FLOP/s: the work a planner scales by each node's speed.</param>
/// <param name="BackwardFlops">Backward seconds times the machine's FLOP/s.</param>
/// <param name="OutputElements">Elements of the layer's output per sample.</param>
/// <param name="Parameters">Trainable parameters of the layer.</param>
public sealed record LayerProfile(
    int Index, string Name, double ForwardSeconds, double BackwardSeconds,
    double ForwardFlops, double BackwardFlops, long OutputElements, long Parameters);

/// <summary>
/// What <see cref="LayerProfiler"/> measured for a model, and the profile file (<c>*.hsprofile.json</c>)
/// that carries it to the generator (as an AdditionalFile) and to the planner.
/// </summary>
/// <param name="Model">The [SplitModel] class's name.</param>
/// <param name="MachineDescription">Where it was measured (processor count, OS, libtorch threads).</param>
/// <param name="MachineFlopsPerSecond">This machine's measured FLOP/s on a dense matrix product.</param>
/// <param name="BatchSize">Samples per measured pass.</param>
/// <param name="InputElements">Elements of one input sample.</param>
/// <param name="Layers">Every layer in chain order.</param>
public sealed record ModelProfile(
    string Model, string MachineDescription, double MachineFlopsPerSecond, int BatchSize, long InputElements,
    IReadOnlyList<LayerProfile> Layers)
{
    /// <summary>The format tag every profile file starts with.</summary>
    public const string Format = "hopsplit-profile/1";

    /// <summary>The file name the generator looks for: <c>Model.hsprofile.json</c>.</summary>
    public string FileName => Model + ".hsprofile.json";

    /// <summary>The measured model as the planner takes it: measured FLOPs, sizes and parameter counts.</summary>
    public ModelCosts ToModelCosts() => new(Model, InputElements,
        Layers.Select(l => new ModelLayer(l.Name, l.ForwardFlops, l.BackwardFlops, l.OutputElements, l.Parameters)).ToArray());

    /// <summary>Writes the profile file, replacing it if it exists.</summary>
    public void Write(string path)
    {
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("model", Model);
        json.WriteStartObject("machine");
        json.WriteString("description", MachineDescription);
        json.WriteNumber("flopsPerSecond", MachineFlopsPerSecond);
        json.WriteEndObject();
        json.WriteNumber("batchSize", BatchSize);
        json.WriteNumber("inputElements", InputElements);
        json.WriteStartArray("layers");
        foreach (var layer in Layers)
        {
            json.WriteStartObject();
            json.WriteNumber("index", layer.Index);
            json.WriteString("name", layer.Name);
            json.WriteNumber("forwardSeconds", layer.ForwardSeconds);
            json.WriteNumber("backwardSeconds", layer.BackwardSeconds);
            json.WriteNumber("forwardFlops", layer.ForwardFlops);
            json.WriteNumber("backwardFlops", layer.BackwardFlops);
            json.WriteNumber("outputElements", layer.OutputElements);
            json.WriteNumber("parameters", layer.Parameters);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Reads a profile file.</summary>
    /// <exception cref="InvalidDataException">The file is not a profile; the message names the file and the field.</exception>
    public static ModelProfile Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var format = Field(root, "format", path).GetString();
            if (format != Format) throw new InvalidDataException($"{path}: 'format' is '{format}', expected '{Format}'");
            var machine = Field(root, "machine", path);
            var layers = Field(root, "layers", path).EnumerateArray().Select((l, i) => new LayerProfile(
                Field(l, "index", path, i).GetInt32(), Field(l, "name", path, i).GetString() ?? "",
                Field(l, "forwardSeconds", path, i).GetDouble(), Field(l, "backwardSeconds", path, i).GetDouble(),
                Field(l, "forwardFlops", path, i).GetDouble(), Field(l, "backwardFlops", path, i).GetDouble(),
                Field(l, "outputElements", path, i).GetInt64(), Field(l, "parameters", path, i).GetInt64())).ToArray();
            return new ModelProfile(
                Field(root, "model", path).GetString() ?? "", Field(machine, "description", path).GetString() ?? "",
                Field(machine, "flopsPerSecond", path).GetDouble(), Field(root, "batchSize", path).GetInt32(),
                Field(root, "inputElements", path).GetInt64(), layers);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({error.Message})", error);
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: a field has the wrong type ({error.Message})", error);
        }
    }

    private static JsonElement Field(JsonElement element, string name, string path, int? layer = null) =>
        element.TryGetProperty(name, out var value)
            ? value
            : throw new InvalidDataException($"{path}: {(layer is { } i ? $"layers[{i}]" : "the profile")} has no '{name}'");
}
