using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace HopSplit.Generators.Tests.Infrastructure;

/// <summary>An AdditionalFile held in memory (profile files in tests).</summary>
public sealed class TestAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
