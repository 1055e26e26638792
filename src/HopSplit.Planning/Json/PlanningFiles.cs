using System.Globalization;
using System.Text.Json;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Json;

/// <summary>Every problem found in an input file, each naming its field and value.</summary>
public sealed class InvalidInputException(string origin, IReadOnlyList<string> errors)
    : Exception($"{origin} is not valid:" + string.Concat(errors.Select(e => Environment.NewLine + "  - " + e)))
{
    public string Origin { get; } = origin;
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads and validates the model and network JSON formats of MODEL.md section 11. Every problem is
/// collected (not just the first) and named by its JSON path, so a user fixes a file in one pass.
/// </summary>
public static class PlanningFiles
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ModelCosts LoadModel(string path) => ParseModel(ReadFile(path, "model"), path);

    public static Network LoadNetwork(string path) => ParseNetwork(ReadFile(path, "network"), path);

    public static ModelCosts ParseModel(string json, string origin = "the model")
    {
        using var document = Parse(json, origin);
        var errors = new List<string>();
        var root = new Reader(document.RootElement, "", errors);
        if (!root.IsObject) throw new InvalidInputException(origin, errors);
        root.AllowOnly("name", "bytesPerElement", "inputElements", "layers", "note", "description");
        var name = root.OptionalString("name") ?? "model";
        var bytes = root.Number("bytesPerElement", 4, positive: true);
        var input = root.Number("inputElements", null, positive: true);
        var layers = new List<ModelLayer>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var array = root.Items("layers");
        if (array is { } items)
        {
            if (items.Count == 0) errors.Add("layers: the model has no layers; add at least one");
            for (var i = 0; i < items.Count; i++)
            {
                var layer = items[i];
                if (!layer.IsObject) continue;
                layer.AllowOnly("name", "forwardFlops", "backwardFlops", "outputElements", "parameters", "description");
                var layerName = layer.OptionalString("name") ?? $"layer{i}";
                if (!names.Add(layerName)) errors.Add($"{layer.Path}.name: duplicate layer name '{layerName}'; names must be unique");
                var forward = layer.Number("forwardFlops", null, positive: false);
                var backward = layer.Number("backwardFlops", 2 * forward, positive: false);
                var output = layer.Number("outputElements", null, positive: true);
                var parameters = layer.Number("parameters", 0, positive: false);
                layers.Add(new ModelLayer(layerName, forward, backward, output, parameters));
            }
        }
        if (errors.Count > 0) throw new InvalidInputException(origin, errors);
        return new ModelCosts(name, input, layers, bytes);
    }

    public static Network ParseNetwork(string json, string origin = "the network")
    {
        using var document = Parse(json, origin);
        var errors = new List<string>();
        var root = new Reader(document.RootElement, "", errors);
        if (!root.IsObject) throw new InvalidInputException(origin, errors);
        root.AllowOnly("name", "nodes", "links", "source", "sink", "note", "description");

        var nodes = new List<NetworkNode>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        // Nodes whose flops field is wrong: whether they are relays is unknown, so no follow-on error is derived from it.
        var flopsUnknown = new HashSet<string>(StringComparer.Ordinal);
        if (root.Items("nodes") is { } nodeItems)
        {
            if (nodeItems.Count == 0) errors.Add("nodes: the network has no nodes; add at least the source");
            foreach (var item in nodeItems)
            {
                if (!item.IsObject) continue;
                item.AllowOnly("id", "flops", "memoryBytes", "overheadSeconds", "description");
                var id = item.RequiredString("id");
                var errorsBefore = errors.Count;
                var flops = item.Number("flops", null, positive: false);
                var flopsKnown = errors.Count == errorsBefore;
                var memory = item.Number("memoryBytes", flops == 0 ? 0 : null, positive: false);
                var overhead = item.Number("overheadSeconds", 0, positive: false);
                if (id is null) continue;
                if (!ids.TryAdd(id, item.Path)) errors.Add($"{item.Path}.id: duplicate node id '{id}' (also at {ids[id]})");
                else
                {
                    nodes.Add(new NetworkNode(id, flops, memory, overhead));
                    if (!flopsKnown) flopsUnknown.Add(id);
                }
            }
        }

        var links = new List<NetworkLink>();
        var pairs = new Dictionary<(string, string), string>();
        if (root.Items("links", required: false) is { } linkItems)
        {
            foreach (var item in linkItems)
            {
                if (!item.IsObject) continue;
                item.AllowOnly("from", "to", "bitsPerSecond", "latencySeconds", "directed", "description");
                var from = item.RequiredString("from");
                var to = item.RequiredString("to");
                var rate = item.Number("bitsPerSecond", null, positive: true);
                var latency = item.Number("latencySeconds", 0, positive: false);
                var directed = item.Boolean("directed", false);
                var known = true;
                foreach (var (field, id) in new[] { ("from", from), ("to", to) })
                {
                    if (id is not null && !ids.ContainsKey(id))
                    {
                        errors.Add($"{item.Path}.{field}: unknown node '{id}'; known nodes: {string.Join(", ", ids.Keys)}");
                        known = false;
                    }
                }
                if (from is null || to is null || !known) continue;
                if (from == to)
                {
                    errors.Add($"{item.Path}: a link from '{from}' to itself; remove it");
                    continue;
                }
                var key = directed ? (from, to) : (string.CompareOrdinal(from, to) < 0 ? (from, to) : (to, from));
                if (!pairs.TryAdd(key, item.Path))
                {
                    errors.Add($"{item.Path}: duplicate link between '{from}' and '{to}' (also at {pairs[key]}); keep one");
                    continue;
                }
                links.Add(new NetworkLink(from, to, rate, latency, directed));
            }
        }

        var source = root.RequiredString("source");
        var sink = root.OptionalString("sink");
        if (source is not null)
        {
            if (!ids.ContainsKey(source)) errors.Add($"source: unknown node '{source}'; known nodes: {string.Join(", ", ids.Keys)}");
            else if (!flopsUnknown.Contains(source) && nodes.First(n => n.Id == source).Flops == 0) errors.Add($"source: node '{source}' has flops 0 (a relay), but the first layer runs where the data is; give it flops > 0");
        }
        if (sink is not null)
        {
            if (!ids.ContainsKey(sink)) errors.Add($"sink: unknown node '{sink}'; known nodes: {string.Join(", ", ids.Keys)}");
            else if (!flopsUnknown.Contains(sink) && nodes.First(n => n.Id == sink).Flops == 0) errors.Add($"sink: node '{sink}' has flops 0 (a relay), but the last layer runs there; give it flops > 0");
        }
        if (errors.Count > 0) throw new InvalidInputException(origin, errors);

        var network = new Network(nodes, links, source!, sink);
        CheckConnected(network, errors);
        if (errors.Count > 0) throw new InvalidInputException(origin, errors);
        return network;
    }

    private static void CheckConnected(Network network, List<string> errors)
    {
        var reached = network.FewestHopTree().Reached;
        if (network.Nodes.Count > 1 && reached.Count(r => r) == 1)
            errors.Add($"source: node '{network.Source}' has no link to any other node, so nothing can be offloaded; add a link from it");
        else if (network.SinkIndex >= 0 && !reached[network.SinkIndex])
            errors.Add($"sink: node '{network.Sink}' cannot be reached from the source '{network.Source}'; add a link on the way");
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, [$"cannot read the {what} file: {e.Message}"]);
        }
    }

    private static JsonDocument Parse(string json, string origin)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(origin, [$"not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}"]);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>A JSON element with its path, reporting type and range problems into the error list.</summary>
    private readonly struct Reader(JsonElement element, string path, List<string> errors)
    {
        public string Path => path;

        public bool IsObject
        {
            get
            {
                if (element.ValueKind == JsonValueKind.Object) return true;
                errors.Add($"{(path.Length == 0 ? "the file" : path)}: expected an object, found {Describe(element)}");
                return false;
            }
        }

        private string Field(string name) => path.Length == 0 ? name : $"{path}.{name}";

        public void AllowOnly(params string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (Array.IndexOf(known, property.Name) >= 0) continue;
                var close = Suggest(property.Name, known);
                errors.Add($"{Field(property.Name)}: unknown field" + (close is null ? $"; known fields: {string.Join(", ", known)}" : $"; did you mean '{close}'?"));
            }
        }

        /// <summary>Words people write for a field under another name.</summary>
        private static readonly Dictionary<string, string> Synonyms = new(StringComparer.OrdinalIgnoreCase)
        {
            ["bandwidth"] = "bitsPerSecond", ["rate"] = "bitsPerSecond", ["bitrate"] = "bitsPerSecond", ["bps"] = "bitsPerSecond",
            ["delay"] = "latencySeconds", ["memory"] = "memoryBytes", ["mem"] = "memoryBytes", ["ram"] = "memoryBytes",
            ["overhead"] = "overheadSeconds", ["params"] = "parameters", ["weights"] = "parameters",
            ["flop"] = "flops", ["compute"] = "flops", ["node"] = "id",
        };

        /// <summary>The known field the user most likely meant: a synonym, the same name in another case, a prefix
        /// either way (three letters at least), or a small edit distance; null when nothing is close.</summary>
        private static string? Suggest(string name, string[] known)
        {
            if (Synonyms.TryGetValue(name, out var synonym) && Array.IndexOf(known, synonym) >= 0) return synonym;
            var same = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (same is not null) return same;
            if (name.Length >= 3)
            {
                var prefix = known.FirstOrDefault(k => k.StartsWith(name, StringComparison.OrdinalIgnoreCase)
                                                       || name.StartsWith(k, StringComparison.OrdinalIgnoreCase));
                if (prefix is not null) return prefix;
            }
            var best = known.Select(k => (Field: k, Distance: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
                .OrderBy(c => c.Distance).First();
            return best.Distance <= Math.Max(1, best.Field.Length / 4) ? best.Field : null;
        }

        private static int EditDistance(string a, string b)
        {
            var row = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var diagonal = row[0];
                row[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var above = row[j];
                    row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                    diagonal = above;
                }
            }
            return row[b.Length];
        }

        public string? OptionalString(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0) return value.GetString();
            errors.Add($"{Field(name)}: expected a non-empty string, found {Describe(value)}");
            return null;
        }

        public string? RequiredString(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                errors.Add($"{Field(name)}: missing; it is required");
                return null;
            }
            return OptionalString(name);
        }

        public bool Boolean(string name, bool fallback)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            errors.Add($"{Field(name)}: expected true or false, found {Describe(value)}");
            return fallback;
        }

        /// <summary>A finite number, at least 0 (above 0 when positive); missing uses the fallback, or is an error without one.</summary>
        public double Number(string name, double? fallback, bool positive)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (fallback is { } f) return f;
                errors.Add($"{Field(name)}: missing; it is required");
                return 0;
            }
            if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var named) && !double.IsFinite(named))
            {
                errors.Add($"{Field(name)}: {value.GetString()} is not a finite number");
                return 0;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                errors.Add($"{Field(name)}: expected a number, found {Describe(value)}");
                return 0;
            }
            if (number < 0 || (positive && number == 0))
            {
                errors.Add($"{Field(name)}: {number.ToString(CultureInfo.InvariantCulture)} is not allowed; it must be {(positive ? "greater than 0" : "0 or more")}");
                return 0;
            }
            return number;
        }

        public IReadOnlyList<Reader>? Items(string name, bool required = true)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required) errors.Add($"{Field(name)}: missing; it is required");
                return null;
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{Field(name)}: expected an array, found {Describe(value)}");
                return null;
            }
            var prefix = Field(name);
            var list = errors;
            return value.EnumerateArray().Select((item, i) => new Reader(item, $"{prefix}[{i}]", list)).ToList();
        }

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{value.GetString()}\"",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null => "null",
            _ => value.GetRawText(),
        };
    }
}
