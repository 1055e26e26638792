using System.Numerics;

namespace HopSplit.Samples.Digits.Synthetic;

/// <summary>
/// How one synthetic digit is written: where and how large it sits, how it leans and turns, the pen's
/// width and the ink's darkness. <see cref="ToPixels"/> places a glyph's unit-box point on the 28 x 28 grid.
/// </summary>
/// <param name="Height">Glyph height in pixels.</param>
/// <param name="Width">Glyph width in pixels.</param>
/// <param name="Slant">Horizontal shear: positive leans the top to the right.</param>
/// <param name="RotationRadians">Rotation about the glyph's centre (positive turns clockwise on screen).</param>
/// <param name="Shift">Offset of the glyph's centre from the image centre, in pixels.</param>
/// <param name="PenRadius">Half the stroke width in pixels.</param>
/// <param name="Ink">The darkest value the pen leaves (0..1).</param>
public sealed record HandwritingStyle(float Height, float Width, float Slant, float RotationRadians, Vector2 Shift, float PenRadius, float Ink)
{
    /// <summary>A random style: heights 16-21 px, widths 0.55-0.85 of the height, slants -0.25..0.35,
    /// rotations of up to 7 degrees, shifts of up to 2.5 px, pens 1.4-3.2 px wide, ink 0.75-1.</summary>
    public static HandwritingStyle Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var height = Uniform(random, 16, 21);
        return new HandwritingStyle(
            height,
            height * Uniform(random, 0.55f, 0.85f),
            Uniform(random, -0.25f, 0.35f),
            Uniform(random, -0.12f, 0.12f),
            new Vector2(Uniform(random, -2.5f, 2.5f), Uniform(random, -2.5f, 2.5f)),
            Uniform(random, 0.7f, 1.6f),
            Uniform(random, 0.75f, 1f));
    }

    /// <summary>Where the glyph point <paramref name="unit"/> (0..1 box, y down) lands in pixels.</summary>
    public Vector2 ToPixels(Vector2 unit)
    {
        var x = (unit.X - 0.5f) * Width;
        var y = (unit.Y - 0.5f) * Height;
        x -= Slant * y; // y grows downwards, so the top (negative y) moves right for a positive slant
        var (sin, cos) = MathF.SinCos(RotationRadians);
        var centre = new Vector2(DigitImages.Side / 2f) + Shift;
        return centre + new Vector2(cos * x - sin * y, sin * x + cos * y);
    }

    internal static float Uniform(Random random, float low, float high) => low + (float)random.NextDouble() * (high - low);
}
