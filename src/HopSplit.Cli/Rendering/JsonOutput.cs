using System.Text.Json;

namespace HopSplit.Cli.Rendering;

/// <summary>One JSON style for every command: camelCase, indented.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
