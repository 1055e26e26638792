using System.Numerics;

namespace HopSplit.Samples.Digits.Synthetic;

/// <summary>
/// The pen strokes of the digits 0-9 in a unit box (x to the right, y down, both 0..1), each stroke a
/// polyline. Arcs are sampled finely enough that a 28-pixel rendering shows no corners.
/// </summary>
public static class DigitGlyphs
{
    private static readonly IReadOnlyList<Vector2[]>[] Strokes =
    [
        // 0: an upright ellipse.
        [Arc(0.5f, 0.5f, 0.28f, 0.42f, 0, 360)],
        // 1: a stem with a small flag.
        [Line((0.34f, 0.24f), (0.52f, 0.08f), (0.52f, 0.92f))],
        // 2: a hook over the top, a diagonal and a base.
        [Join(Arc(0.5f, 0.31f, 0.24f, 0.23f, 190, 395), Line((0.24f, 0.92f), (0.8f, 0.92f)))],
        // 3: two bowls opening to the left.
        [Arc(0.48f, 0.29f, 0.22f, 0.21f, 200, 450), Arc(0.48f, 0.7f, 0.25f, 0.22f, 270, 520)],
        // 4: the stem, the diagonal and the bar.
        [Line((0.66f, 0.92f), (0.66f, 0.08f), (0.2f, 0.64f), (0.82f, 0.64f))],
        // 5: the top bar, a short stem and a bowl.
        [Join(Line((0.76f, 0.08f), (0.32f, 0.08f), (0.3f, 0.46f)), Arc(0.5f, 0.66f, 0.26f, 0.25f, 235, 515))],
        // 6: a falling curve into a closed bottom loop.
        [Join(Bezier((0.7f, 0.08f), (0.38f, 0.22f), (0.27f, 0.64f)), Arc(0.5f, 0.68f, 0.23f, 0.23f, 180, 540))],
        // 7: the top bar and a long diagonal.
        [Line((0.2f, 0.08f), (0.8f, 0.08f), (0.42f, 0.92f))],
        // 8: two stacked loops, the lower one larger.
        [Arc(0.5f, 0.28f, 0.19f, 0.19f, 0, 360), Arc(0.5f, 0.7f, 0.24f, 0.22f, 0, 360)],
        // 9: a top loop and a tail.
        [Arc(0.48f, 0.32f, 0.23f, 0.23f, 0, 360), Line((0.71f, 0.34f), (0.6f, 0.92f))],
    ];

    /// <summary>The strokes of <paramref name="digit"/> (0-9).</summary>
    public static IReadOnlyList<Vector2[]> Of(int digit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digit, 9);
        return Strokes[digit];
    }

    private static Vector2[] Line(params (float X, float Y)[] points) => points.Select(p => new Vector2(p.X, p.Y)).ToArray();

    private static Vector2[] Join(Vector2[] first, Vector2[] second) => [.. first, .. second];

    // Angles in degrees with y down: 0 is right, 90 is the bottom, 270 the top; may run past 360.
    private static Vector2[] Arc(float cx, float cy, float rx, float ry, float fromDegrees, float toDegrees)
    {
        var steps = Math.Max(4, (int)MathF.Ceiling(Math.Abs(toDegrees - fromDegrees) / 15));
        return Enumerable.Range(0, steps + 1).Select(i =>
        {
            var angle = (fromDegrees + (toDegrees - fromDegrees) * i / steps) * MathF.PI / 180;
            return new Vector2(cx + rx * MathF.Cos(angle), cy + ry * MathF.Sin(angle));
        }).ToArray();
    }

    private static Vector2[] Bezier((float X, float Y) start, (float X, float Y) control, (float X, float Y) end)
    {
        const int steps = 8;
        return Enumerable.Range(0, steps + 1).Select(i =>
        {
            var t = (float)i / steps;
            var u = 1 - t;
            return new Vector2(u * u * start.X + 2 * u * t * control.X + t * t * end.X, u * u * start.Y + 2 * u * t * control.Y + t * t * end.Y);
        }).ToArray();
    }
}
