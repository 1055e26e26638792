using System;
using HopSplit.Generators.Helpers;
using HopSplit.Generators.Networks;
using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Models;

/// <summary>
/// What the first, cheap step extracts from a [SplitModel] class: where to generate, its names, and a key made
/// of every piece of source text the model analysis can depend on (see <see cref="ModelInputReader"/>). Equality
/// is the key's: when it is unchanged (an edit elsewhere) the analysis step is skipped.
/// <para>
/// <see cref="Compilation"/> is a <em>weak</em> reference to the compilation the key was read from, excluded
/// from equality. The analysis step binds with it, and it only runs in the same generator pass in which a new
/// or changed key was read, when the driver holds that compilation; a cached input never pins an old one.
/// </para>
/// </summary>
internal sealed class ModelInput : IEquatable<ModelInput>
{
    public ModelInput(TypeTarget target, string className, string metadataName, EquatableArray<string> key, Compilation compilation)
    {
        Target = target;
        ClassName = className;
        MetadataName = metadataName;
        Key = key;
        Compilation = new WeakReference<Compilation>(compilation);
    }

    public TypeTarget Target { get; }

    public string ClassName { get; }

    public string MetadataName { get; }

    /// <summary>The source texts the analysis depends on (declarations with method bodies left out), in a fixed order.</summary>
    public EquatableArray<string> Key { get; }

    /// <summary>The compilation the key was read from (not part of equality).</summary>
    public WeakReference<Compilation> Compilation { get; }

    public bool Equals(ModelInput? other) =>
        other is not null && Target == other.Target && ClassName == other.ClassName && MetadataName == other.MetadataName && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as ModelInput);

    public override int GetHashCode() => unchecked((Target.GetHashCode() * 31 + MetadataName.GetHashCode()) * 31 + Key.GetHashCode());
}
