using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace HopSplit.Generators.Helpers;

/// <summary>What is wrong with a JSON text, and where (a character offset).</summary>
internal sealed record JsonError(string Message, int Offset);

/// <summary>
/// A small strict JSON reader (RFC 8259; a leading byte-order mark is skipped) for profile files. It never
/// throws: a malformed text gives a <see cref="JsonError"/> at the first problem. Nesting is limited to
/// <see cref="MaxDepth"/> levels, so hostile input cannot overflow the stack.
/// </summary>
internal sealed class JsonReader
{
    public const int MaxDepth = 64;

    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    /// <summary>Parses one JSON value that spans the whole text (whitespace around it allowed).</summary>
    public static (JsonValue? Value, JsonError? Error) Parse(string text)
    {
        var reader = new JsonReader(text);
        if (text.Length > 0 && text[0] == '\uFEFF') reader._position = 1;
        try
        {
            reader.SkipWhitespace();
            var value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader._position < text.Length) return (null, new JsonError("unexpected text after the JSON value", reader._position));
            return (value, null);
        }
        catch (JsonProblem problem)
        {
            return (null, new JsonError(problem.Message, problem.Offset));
        }
    }

    private sealed class JsonProblem(string message, int offset) : Exception(message)
    {
        public int Offset { get; } = offset;
    }

    private JsonProblem Problem(string message) => new(message, Math.Min(_position, _text.Length));

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r') _position++;
    }

    private JsonValue ReadValue(int depth)
    {
        if (depth > MaxDepth) throw Problem($"values nest more than {MaxDepth} deep");
        if (_position >= _text.Length) throw Problem("unexpected end of the text: a value is missing");
        switch (_text[_position])
        {
            case '{': return ReadObject(depth);
            case '[': return ReadArray(depth);
            case '"':
            {
                var start = _position;
                var s = ReadString();
                return new JsonValue(JsonKind.String, start, _position - start, text: s);
            }
            case 't': return ReadWord("true", JsonKind.True);
            case 'f': return ReadWord("false", JsonKind.False);
            case 'n': return ReadWord("null", JsonKind.Null);
            case '-':
            case >= '0' and <= '9':
                return ReadNumber();
            default:
                throw Problem($"unexpected character '{_text[_position]}': a value is expected");
        }
    }

    private JsonValue ReadWord(string word, JsonKind kind)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0) throw Problem($"unexpected text: '{word}' or another value is expected");
        var start = _position;
        _position += word.Length;
        return new JsonValue(kind, start, word.Length);
    }

    private JsonValue ReadObject(int depth)
    {
        var start = _position++;
        var members = new List<KeyValuePair<string, JsonValue>>();
        SkipWhitespace();
        if (Peek() == '}') { _position++; return new JsonValue(JsonKind.Object, start, _position - start, members: members); }
        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"') throw Problem("a member name in double quotes is expected");
            var key = ReadString();
            SkipWhitespace();
            if (Peek() != ':') throw Problem($"':' is expected after the member name \"{key}\"");
            _position++;
            SkipWhitespace();
            members.Add(new KeyValuePair<string, JsonValue>(key, ReadValue(depth + 1)));
            SkipWhitespace();
            var c = Peek();
            _position++;
            if (c == ',') continue;
            if (c == '}') return new JsonValue(JsonKind.Object, start, _position - start, members: members);
            _position--;
            throw Problem("',' or '}' is expected in an object");
        }
    }

    private JsonValue ReadArray(int depth)
    {
        var start = _position++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (Peek() == ']') { _position++; return new JsonValue(JsonKind.Array, start, _position - start, items: items); }
        while (true)
        {
            SkipWhitespace();
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            var c = Peek();
            _position++;
            if (c == ',') continue;
            if (c == ']') return new JsonValue(JsonKind.Array, start, _position - start, items: items);
            _position--;
            throw Problem("',' or ']' is expected in an array");
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private string ReadString()
    {
        _position++; // the opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length) throw Problem("unterminated string");
            var c = _text[_position++];
            if (c == '"') return builder.ToString();
            if (c < ' ') { _position--; throw Problem("control character in a string (escape it)"); }
            if (c != '\\') { builder.Append(c); continue; }
            if (_position >= _text.Length) throw Problem("unterminated string");
            var e = _text[_position++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        throw Problem("\\u must be followed by four hex digits");
                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position--;
                    throw Problem($"invalid escape '\\{e}' in a string");
            }
        }
    }

    private JsonValue ReadNumber()
    {
        var start = _position;
        if (Peek() == '-') _position++;
        if (Peek() == '0') _position++;
        else if (Peek() is >= '1' and <= '9') Digits();
        else throw Problem("a digit is expected in a number");
        if (Peek() == '.')
        {
            _position++;
            if (Peek() is not (>= '0' and <= '9')) throw Problem("a digit is expected after '.' in a number");
            Digits();
        }
        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-') _position++;
            if (Peek() is not (>= '0' and <= '9')) throw Problem("a digit is expected in a number's exponent");
            Digits();
        }
        var lexeme = _text.Substring(start, _position - start);
        if (!double.TryParse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            _position = start;
            throw Problem($"number {lexeme} is out of range");
        }
        return new JsonValue(JsonKind.Number, start, _position - start, number: value);
    }

    private void Digits()
    {
        while (Peek() is >= '0' and <= '9') _position++;
    }
}
