using System.Collections.Generic;

namespace HopSplit.Generators.Helpers;

/// <summary>The kinds of JSON values.</summary>
internal enum JsonKind { Object, Array, String, Number, True, False, Null }

/// <summary>
/// A parsed JSON value with where it is in the text (<see cref="Start"/>, <see cref="Length"/>: character
/// offsets), so that problems can be reported at the value. Members keep their order; a repeated key keeps
/// every occurrence (<see cref="Member"/> returns the first).
/// </summary>
internal sealed class JsonValue
{
    public JsonValue(JsonKind kind, int start, int length, string? text = null, double number = 0,
        IReadOnlyList<KeyValuePair<string, JsonValue>>? members = null, IReadOnlyList<JsonValue>? items = null)
    {
        Kind = kind;
        Start = start;
        Length = length;
        Text = text;
        Number = number;
        Members = members ?? new KeyValuePair<string, JsonValue>[0];
        Items = items ?? new JsonValue[0];
    }

    public JsonKind Kind { get; }

    public int Start { get; }

    public int Length { get; }

    /// <summary>The unescaped string of a <see cref="JsonKind.String"/>.</summary>
    public string? Text { get; }

    /// <summary>The value of a <see cref="JsonKind.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The members of an object, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonValue>> Members { get; }

    /// <summary>The items of an array, in order.</summary>
    public IReadOnlyList<JsonValue> Items { get; }

    /// <summary>The first member named <paramref name="name"/> (ordinal), or null.</summary>
    public JsonValue? Member(string name)
    {
        foreach (var pair in Members)
        {
            if (pair.Key == name) return pair.Value;
        }
        return null;
    }
}
