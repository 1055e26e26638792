using System;
using System.Collections.Generic;
using HopSplit.Generators.Helpers;

namespace HopSplit.Generators.Profiles;

/// <summary>
/// Reads a profile file written by the runtime's profiler (format <c>hopsplit-profile/1</c>). Never throws: a
/// file that is not JSON or not this format gives a <see cref="ProfileFile"/> with a <see cref="ProfileProblem"/>
/// naming the field. Members this version does not know are ignored (a later profiler may add some).
/// </summary>
internal static class ProfileParser
{
    public const string Format = "hopsplit-profile/1";
    public const string Extension = ".hsprofile.json";

    /// <summary>True for the additional files the generator reads.</summary>
    public static bool IsProfile(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static ProfileFile Parse(string path, string? text)
    {
        ProfileFile Fail(string message, int start = 0, int length = 0) =>
            new(path, "", "", 0, 0, EquatableArray<ProfileRow>.Empty, new ProfileProblem(message, start, length));

        if (text is null) return Fail("the file cannot be read");
        var (root, error) = JsonReader.Parse(text);
        if (root is null) return Fail($"not valid JSON: {error!.Message}", error.Offset, error.Offset < text.Length ? 1 : 0);
        try
        {
            if (root.Kind != JsonKind.Object) throw new Bad("the file must hold a JSON object", root);
            var format = Required(root, "format", "format", JsonKind.String);
            if (format.Text != Format) throw new Bad($"\"format\" is \"{format.Text}\", but this generator reads \"{Format}\"", format);
            var model = Required(root, "model", "model", JsonKind.String);
            if (model.Text!.Length == 0) throw new Bad("\"model\" must name the [SplitModel] class", model);
            var machine = Required(root, "machine", "machine", JsonKind.Object);
            var description = Required(machine, "description", "machine.description", JsonKind.String).Text!;
            var flopsPerSecond = Number(machine, "flopsPerSecond", "machine.flopsPerSecond", positive: true, integer: false);
            var batchSize = Number(root, "batchSize", "batchSize", positive: true, integer: true);
            var layers = Required(root, "layers", "layers", JsonKind.Array);
            var rows = new List<ProfileRow>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < layers.Items.Count; i++)
            {
                var item = layers.Items[i];
                var at = $"layers[{i}]";
                if (item.Kind != JsonKind.Object) throw new Bad($"{at} must be an object", item);
                var name = Required(item, "name", at + ".name", JsonKind.String);
                if (name.Text!.Length == 0) throw new Bad($"{at}.name must be the layer's member name", name);
                if (!names.Add(name.Text)) throw new Bad($"{at}.name: layer '{name.Text}' is listed twice", name);
                rows.Add(new ProfileRow(
                    (int)Math.Min(int.MaxValue, Number(item, "index", at + ".index", positive: false, integer: true)),
                    name.Text,
                    Number(item, "forwardSeconds", at + ".forwardSeconds", positive: false, integer: false),
                    Number(item, "backwardSeconds", at + ".backwardSeconds", positive: false, integer: false),
                    Number(item, "forwardFlops", at + ".forwardFlops", positive: false, integer: false),
                    Number(item, "backwardFlops", at + ".backwardFlops", positive: false, integer: false),
                    Number(item, "outputElements", at + ".outputElements", positive: false, integer: true),
                    Number(item, "parameters", at + ".parameters", positive: false, integer: true),
                    name.Start, name.Length));
            }
            return new ProfileFile(path, model.Text, description, flopsPerSecond, (long)batchSize,
                new EquatableArray<ProfileRow>(rows.ToArray()), null, model.Start, model.Length);
        }
        catch (Bad bad)
        {
            return Fail(bad.Message, bad.Start, bad.Length);
        }
    }

    /// <summary>A format problem at a value (or at the object missing a member).</summary>
    private sealed class Bad(string message, JsonValue at) : Exception(message)
    {
        public int Start { get; } = at.Start;
        public int Length { get; } = at.Kind is JsonKind.Object or JsonKind.Array ? 1 : at.Length;
    }

    private static JsonValue Required(JsonValue obj, string member, string path, JsonKind kind)
    {
        var value = obj.Member(member) ?? throw new Bad($"\"{path}\" is missing", obj);
        if (value.Kind != kind) throw new Bad($"\"{path}\" must be {Describe(kind)}", value);
        return value;
    }

    private static double Number(JsonValue obj, string member, string path, bool positive, bool integer)
    {
        var value = Required(obj, member, path, JsonKind.Number);
        var n = value.Number;
        var ok = positive ? n > 0 : n >= 0;
        if (integer && Math.Floor(n) != n) ok = false;
        if (!ok)
        {
            throw new Bad($"\"{path}\" must be {(integer ? "an integer" : "a number")} {(positive ? "> 0" : ">= 0")}, but is {value.Number.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", value);
        }
        return n;
    }

    private static string Describe(JsonKind kind) => kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        _ => "a number",
    };
}
