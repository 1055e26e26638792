using System.Globalization;
using System.Linq;
using HopSplit.Generators.Helpers;
using static HopSplit.Generators.Helpers.GeneratedType;
using Microsoft.CodeAnalysis.CSharp;

namespace HopSplit.Generators.Models;

/// <summary>Writes Costs and CostTable for a costed model, and the stage code for a callable one.</summary>
internal static class ModelEmitter
{
    private const string Costs = "global::HopSplit.Planning.Model.ModelCosts";
    private const string Layer = "global::HopSplit.Planning.Model.ModelLayer";
    private const string Row = "global::HopSplit.LayerCostRow";
    private const string Source = "global::HopSplit.CostSource";
    private const string SplitModel = "global::HopSplit.ISplitModel";
    private const string Stage = "global::HopSplit.ModelStage";
    private const string Module = "global::TorchSharp.torch.nn.Module";
    private const string Tensor = "global::TorchSharp.torch.Tensor";

    public static string Emit(ModelSpec model)
    {
        var target = model.Target;
        var writer = Begin(target, model.Callable ? SplitModel : null);
        if (model.Costed) EmitCosts(writer, model);
        if (model.Callable) EmitStages(writer, model, separate: model.Costed);

        return End(writer, target);
    }

    private static void EmitCosts(SourceWriter writer, ModelSpec model)
    {
        writer.WriteLine("/// <summary>Per-sample layer costs (generated from the [SplitModel] and [Layer] declarations).</summary>");
        writer.WriteLine($"public static global::System.Collections.Generic.IReadOnlyList<{Row}> CostTable {{ get; }} = new {Row}[]").Open();
        foreach (var l in model.Layers)
        {
            writer.WriteLine($"new({Literal(l.Name)}, {Literal(l.Kind)}, {Shape(l.InputShape)}, {Shape(l.OutputShape)}, "
                + $"{Number(l.Parameters)}, {Number(l.ForwardFlops)}, {Number(l.BackwardFlops)}, {Number(l.OutputElements)}, {Source}.{l.Source}),");
        }
        writer.Close("};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>This model as the planner takes it (generated; the layers of <see cref=\"CostTable\"/>).</summary>");
        writer.Open($"public static {Costs} Costs {{ get; }} = new(");
        writer.WriteLine($"{Literal(model.Name)},");
        writer.WriteLine($"{Number(model.InputElements)},");
        writer.WriteLine($"new {Layer}[]").Open();
        foreach (var l in model.Layers)
            writer.WriteLine($"new({Literal(l.Name)}, {Number(l.ForwardFlops)}, {Number(l.BackwardFlops)}, {Number(l.OutputElements)}, {Number(l.Parameters)}),");
        writer.Close("});");
        writer.Dedent();
    }

    /// <summary>ISplitModel, Stage and (when the class has none) forward: plain switch-based calls of each
    /// layer's <c>forward</c>, in chain order.</summary>
    private static void EmitStages(SourceWriter writer, ModelSpec model, bool separate)
    {
        var count = model.Layers.Count;
        var range = $"0 to {count - 1}";
        if (separate) writer.WriteLine();
        writer.WriteLine("/// <summary>The number of layers (generated).</summary>");
        writer.WriteLine($"public int LayerCount => {count};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The module of layer <paramref name=\"index\"/>, in chain order (generated).</summary>");
        writer.WriteLine($"public {Module} Layer(int index) => index switch").Open();
        for (var i = 0; i < count; i++)
            writer.WriteLine($"{i} => {Member(model.Layers[i])},");
        writer.WriteLine($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(index), index, {Literal($"the model has layers {range}")}),");
        writer.Close("};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Runs layers <paramref name=\"first\"/> to <paramref name=\"last\"/> (inclusive) in order on <paramref name=\"input\"/> (generated).</summary>");
        writer.WriteLine($"public {Tensor} ForwardLayers(int first, int last, {Tensor} input)").Open();
        writer.WriteLine($"if (first < 0 || first > last || last >= {count})");
        writer.WriteLine($"    throw new global::System.ArgumentOutOfRangeException(nameof(last), $\"layers {{first}} to {{last}} are not a range of {range}\");");
        writer.WriteLine("var x = input;");
        writer.WriteLine("for (var i = first; i <= last; i++)").Open();
        writer.WriteLine("switch (i)").Open();
        for (var i = 0; i < count; i++)
            writer.WriteLine($"case {i}: x = {Member(model.Layers[i])}.forward(x); break;");
        writer.Close();
        writer.Close();
        writer.WriteLine("return x;");
        writer.Close();
        writer.WriteLine();
        writer.WriteLine("/// <summary>A pipeline stage running layers <paramref name=\"first\"/> to <paramref name=\"last\"/> (inclusive) (generated).</summary>");
        writer.WriteLine($"public {Stage} Stage(int first, int last) => new(this, first, last);");
        if (model.Forward == GeneratedForward.None) return;
        writer.WriteLine();
        writer.WriteLine("/// <summary>Runs every layer in order (generated: the class declares no forward).</summary>");
        var modifiers = model.Forward == GeneratedForward.Override ? "public override" : "public";
        writer.WriteLine($"{modifiers} {Tensor} forward({Tensor} input) => ForwardLayers(0, {count - 1}, input);");
    }

    /// <summary><c>this.name</c>, with <c>!</c> when the member's type is nullable (a layer is set once built).</summary>
    private static string Member(LayerSpec layer) => $"this.{Identifier(layer.Name)}{(layer.MaybeNull ? "!" : "")}";

    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A shape literal; an unknown shape (a layer costed only by a profile) is empty.</summary>
    private static string Shape(Helpers.EquatableArray<long> shape) => shape.Count == 0 ? "global::System.Array.Empty<int>()" :
        "new int[] { " + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + " }";

}
