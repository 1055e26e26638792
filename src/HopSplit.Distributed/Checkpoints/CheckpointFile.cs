using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Checkpoints;

/// <summary>
/// Reads and writes one checkpoint file: the 8-byte magic "HSCKPT\r\n", the format version (int32), the length of a
/// JSON header (int32), the header (step, seed, layer count, micro-batch size, segments, and every tensor's layer,
/// name, slot, dtype and shape, in payload order), the tensors' little-endian payloads, and a SHA-256 of everything
/// before it. Writing is atomic: a temporary file in the same folder, flushed to disk, then renamed over the target.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "HSCKPT\r\n"u8.ToArray();
    private const int DigestBytes = 32;

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically: a reader sees the old file or the new one, never a part.</summary>
    public static void Write(string path, Checkpoint checkpoint)
    {
        var temporary = WriteTemporary(path, checkpoint);
        Commit(temporary, path);
    }

    /// <summary>
    /// The first half of <see cref="Write"/>: the whole file under a temporary name next to <paramref name="path"/>, flushed to
    /// the disk (fsync). Until <see cref="Commit"/> renames it, the previous file at <paramref name="path"/> stays as it was.
    /// </summary>
    public static string WriteTemporary(string path, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var ordered = checkpoint.Tensors.OrderBy(t => t.Key).ToArray();
        var header = Encoding.UTF8.GetBytes(HeaderJson(checkpoint, ordered).ToJsonString());
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            void Put(ReadOnlySpan<byte> bytes)
            {
                stream.Write(bytes);
                sha.AppendData(bytes);
            }
            Put(Magic);
            Put(BitConverter.GetBytes(Checkpoint.FormatVersion));
            Put(BitConverter.GetBytes(header.Length));
            Put(header);
            foreach (var (_, tensor) in ordered) Put(tensor.Payload);
            stream.Write(sha.GetHashAndReset());
            stream.Flush(flushToDisk: true);
        }
        return temporary;
    }

    /// <summary>Renames a file written by <see cref="WriteTemporary"/> over <paramref name="path"/> (rename is atomic on one file system).</summary>
    public static void Commit(string temporary, string path) => File.Move(temporary, path, overwrite: true);

    /// <summary>Reads and checks a checkpoint file.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, corrupt, of another format version, or a field is wrong; the message says which.</exception>
    public static Checkpoint Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot read the checkpoint: {e.Message}", e);
        }
        var fixedBytes = Magic.Length + 8 + DigestBytes;
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"{path}: not a HopSplit checkpoint (it does not start with the checkpoint magic)");
        if (bytes.Length < fixedBytes)
            throw new CheckpointException($"{path}: truncated: {bytes.Length} bytes is shorter than any checkpoint");
        var version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != Checkpoint.FormatVersion)
            throw new CheckpointException($"{path}: format version {version}; this HopSplit reads version {Checkpoint.FormatVersion}");
        var body = bytes.AsSpan(0, bytes.Length - DigestBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - DigestBytes)))
            throw new CheckpointException($"{path}: corrupt or truncated: its SHA-256 does not match its contents (the file was changed or cut short); use an earlier checkpoint");
        var headerLength = BitConverter.ToInt32(bytes, Magic.Length + 4);
        var headerStart = Magic.Length + 8;
        if (headerLength < 2 || headerLength > body.Length - headerStart)
            throw new CheckpointException($"{path}: header length {headerLength} does not fit the file's {bytes.Length} bytes");
        try
        {
            var header = JsonNode.Parse(body.Slice(headerStart, headerLength)) as JsonObject ?? throw Field("header", "is not a JSON object");
            return Parse(header, body[(headerStart + headerLength)..]);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: header: not valid JSON: {e.Message}", e);
        }
        catch (FieldException e)
        {
            throw new CheckpointException($"{path}: {e.Message}", e);
        }
    }

    private static JsonObject HeaderJson(Checkpoint checkpoint, IReadOnlyList<KeyValuePair<StateKey, StateTensor>> ordered)
    {
        var segments = new JsonArray();
        foreach (var s in checkpoint.Segments) segments.Add(new JsonObject { ["node"] = s.Node, ["firstLayer"] = s.FirstLayer, ["lastLayer"] = s.LastLayer });
        var tensors = new JsonArray();
        foreach (var (key, tensor) in ordered)
        {
            var shape = new JsonArray();
            foreach (var d in tensor.Shape) shape.Add(d);
            tensors.Add(new JsonObject
            {
                ["layer"] = key.Layer, ["name"] = key.Name, ["slot"] = SlotName(key.Slot), ["dtype"] = DTypeName(tensor.DType), ["shape"] = shape,
            });
        }
        return new JsonObject
        {
            ["step"] = checkpoint.Step, ["seed"] = checkpoint.Seed, ["layerCount"] = checkpoint.LayerCount, ["microBatchSize"] = checkpoint.MicroBatchSize,
            ["segments"] = segments, ["tensors"] = tensors,
        };
    }

    private static Checkpoint Parse(JsonObject header, ReadOnlySpan<byte> payload)
    {
        var step = Long(header, "step");
        if (step < 0) throw Field("step", $"is {step}; it counts completed steps");
        var layerCount = (int)Long(header, "layerCount");
        if (layerCount < 1) throw Field("layerCount", $"is {layerCount}; a model has at least one layer");
        var segments = Array(header, "segments").Select((node, i) =>
        {
            var o = node as JsonObject ?? throw Field($"segments[{i}]", "is not an object");
            return new CheckpointSegment(Text(o, "node", $"segments[{i}]."), (int)Long(o, "firstLayer", $"segments[{i}]."), (int)Long(o, "lastLayer", $"segments[{i}]."));
        }).ToArray();
        var tensors = new Dictionary<StateKey, StateTensor>();
        var offset = 0;
        var entries = Array(header, "tensors");
        for (var i = 0; i < entries.Count; i++)
        {
            var where = $"tensors[{i}].";
            var o = entries[i] as JsonObject ?? throw Field($"tensors[{i}]", "is not an object");
            var layer = (int)Long(o, "layer", where);
            if (layer < 0 || layer >= layerCount) throw Field(where + "layer", $"is {layer}; the model has layers 0..{layerCount - 1}");
            var slot = Text(o, "slot", where) switch
            {
                "parameter" => StateSlot.Parameter,
                "momentum" => StateSlot.Momentum,
                var other => throw Field(where + "slot", $"is '{other}'; it is parameter or momentum"),
            };
            var dtype = Text(o, "dtype", where) switch
            {
                "float32" => DType.Float32,
                "float64" => DType.Float64,
                "int64" => DType.Int64,
                var other => throw Field(where + "dtype", $"is '{other}'; it is float32, float64 or int64"),
            };
            var shape = Array(o, "shape", where).Select(d => d?.GetValue<long>() ?? 0).ToArray();
            if (shape.Any(d => d < 1)) throw Field(where + "shape", $"[{string.Join(", ", shape)}] has a dimension below 1");
            var length = checked(shape.Aggregate(1L, (a, d) => a * d) * TensorCodec.ElementSize(dtype));
            if (offset + length > payload.Length)
                throw Field(where + "shape", $"needs {length} bytes at offset {offset} but the payload has {payload.Length}");
            var key = new StateKey(layer, Text(o, "name", where), slot);
            if (!tensors.TryAdd(key, new StateTensor(dtype, shape, payload.Slice(offset, (int)length).ToArray())))
                throw Field(where + "name", $"{key} appears twice");
            offset += (int)length;
        }
        if (offset != payload.Length) throw Field("tensors", $"describe {offset} payload bytes but the file holds {payload.Length}");
        return new Checkpoint(step, Long(header, "seed"), layerCount, (int)Long(header, "microBatchSize"), segments, tensors);
    }

    private static string SlotName(StateSlot slot) => slot == StateSlot.Momentum ? "momentum" : "parameter";

    private static string DTypeName(DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        _ => throw new ArgumentException($"dtype {dtype} cannot be checkpointed"),
    };

    private static long Long(JsonObject o, string name, string where = "")
    {
        try
        {
            return o[name]?.GetValue<long>() ?? throw Field(where + name, "is missing");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Field(where + name, "is not an integer");
        }
    }

    private static string Text(JsonObject o, string name, string where = "")
    {
        try
        {
            var text = o[name]?.GetValue<string>() ?? throw Field(where + name, "is missing");
            return text.Length > 0 ? text : throw Field(where + name, "is empty");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Field(where + name, "is not a string");
        }
    }

    private static JsonArray Array(JsonObject o, string name, string where = "") =>
        o[name] as JsonArray ?? throw Field(where + name, "is missing or not an array");

    private static FieldException Field(string field, string problem) => new($"{field} {problem}");

    private sealed class FieldException(string message) : Exception(message);
}
