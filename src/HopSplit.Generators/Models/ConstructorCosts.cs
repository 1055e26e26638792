using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HopSplit.Generators.Models;

/// <summary>
/// What one constructor makes of a layer that the constructors assign differently (HS0010): the code fix offers to
/// state these costs with [LayerCost], one action per distinct module. Carried in the diagnostic's properties as text
/// (one line per constructor, tab-separated), since properties are strings.
/// </summary>
public sealed record ConstructorCosts(string Constructor, string Kind, double ForwardFlops, double Parameters, long[] OutputShape)
{
    public const string PropertyName = "ConstructorCosts";

    public static string Format(IEnumerable<ConstructorCosts> all) => string.Join("\n", all.Select(c => string.Join("\t",
        c.Constructor, c.Kind, Number(c.ForwardFlops), Number(c.Parameters), string.Join(",", c.OutputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))))));

    /// <summary>The entries of <see cref="Format"/>'s text; malformed lines are skipped.</summary>
    public static List<ConstructorCosts> Parse(string? text)
    {
        var all = new List<ConstructorCosts>();
        foreach (var line in (text ?? "").Split('\n'))
        {
            var fields = line.Split('\t');
            if (fields.Length != 5
                || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var forward)
                || !double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var parameters))
                continue;
            var shape = new List<long>();
            foreach (var d in fields[4].Split(','))
            {
                if (long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) shape.Add(n);
            }
            if (shape.Count == 0) continue;
            all.Add(new ConstructorCosts(fields[0], fields[1], forward, parameters, shape.ToArray()));
        }
        return all;
    }

    /// <summary>The [LayerCost] arguments that state these costs (backward is left at its default, twice forward, as analysed).</summary>
    public string AttributeArguments() =>
        $"ForwardFlops = {Number(ForwardFlops)}, Parameters = {Number(Parameters)}, OutputShape = new[] {{ {string.Join(", ", OutputShape.Select(d => d.ToString(CultureInfo.InvariantCulture)))} }}";

    /// <summary>Same module costs as <paramref name="other"/> (another constructor that agrees).</summary>
    public bool SameCosts(ConstructorCosts other) =>
        Kind == other.Kind && ForwardFlops == other.ForwardFlops && Parameters == other.Parameters && OutputShape.SequenceEqual(other.OutputShape);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
