using System;
using System.Text;

namespace HopSplit.Generators.Helpers;

/// <summary>A StringBuilder that tracks the indentation level; always writes '\n' newlines.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();

    public int Indentation { get; private set; }

    public SourceWriter WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            for (var i = 0; i < Indentation; i++) _builder.Append(IndentUnit);
            _builder.Append(line);
        }
        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="line"/> then increases the indentation.</summary>
    public SourceWriter Open(string line = "{")
    {
        WriteLine(line);
        Indentation++;
        return this;
    }

    /// <summary>Decreases the indentation then writes <paramref name="line"/>.</summary>
    public SourceWriter Close(string line = "}")
    {
        if (Indentation == 0) throw new InvalidOperationException("unbalanced Close");
        Indentation--;
        WriteLine(line);
        return this;
    }

    /// <summary>Decreases the indentation without writing (ends a block opened without a brace).</summary>
    public SourceWriter Dedent()
    {
        if (Indentation == 0) throw new InvalidOperationException("unbalanced Dedent");
        Indentation--;
        return this;
    }

    public override string ToString()
    {
        if (Indentation != 0) throw new InvalidOperationException("unbalanced indentation at the end of a file");
        return _builder.ToString();
    }
}
