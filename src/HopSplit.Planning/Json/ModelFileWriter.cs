using System.Text.Encodings.Web;
using System.Text.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Json;

/// <summary>Writes a model in MODEL.md's model JSON format, the one <see cref="PlanningFiles.ParseModel"/> reads.</summary>
public static class ModelFileWriter
{
    /// <summary>The model as indented JSON: name, bytes per element, input elements, and every layer's costs.</summary>
    public static string Format(ModelCosts model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("name", model.Name);
            json.WriteNumber("bytesPerElement", model.BytesPerElement);
            json.WriteNumber("inputElements", model.InputElements);
            json.WriteStartArray("layers");
            foreach (var layer in model.Layers)
            {
                json.WriteStartObject();
                json.WriteString("name", layer.Name);
                json.WriteNumber("forwardFlops", layer.ForwardFlops);
                json.WriteNumber("backwardFlops", layer.BackwardFlops);
                json.WriteNumber("outputElements", layer.OutputElements);
                json.WriteNumber("parameters", layer.Parameters);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }
}
