using System.Numerics;

namespace HopSplit.Samples.Digits.Synthetic;

/// <summary>
/// Draws polylines with a round pen into a 28 x 28 image: a pixel's ink is how far its centre lies inside
/// the pen, with a one-pixel soft edge so thin and thick strokes both look drawn rather than aliased.
/// </summary>
public static class StrokeRenderer
{
    /// <summary>Draws every segment of <paramref name="strokes"/> (already in pixel coordinates) into
    /// <paramref name="image"/>, keeping the darker ink where strokes overlap.</summary>
    /// <param name="image">28 x 28 pixels, row after row; ink is added as values up to 1.</param>
    /// <param name="strokes">Polylines in pixel coordinates (x right, y down; pixel centres at i + 0.5).</param>
    /// <param name="penRadius">Half the stroke width in pixels.</param>
    public static void Draw(Span<float> image, IEnumerable<Vector2[]> strokes, float penRadius)
    {
        if (image.Length != DigitImages.PixelsPerImage)
            throw new ArgumentException($"an image has {DigitImages.PixelsPerImage} pixels, got {image.Length}", nameof(image));
        foreach (var stroke in strokes)
        {
            for (var i = 0; i + 1 < stroke.Length; i++)
                DrawSegment(image, stroke[i], stroke[i + 1], penRadius);
        }
    }

    private static void DrawSegment(Span<float> image, Vector2 a, Vector2 b, float penRadius)
    {
        // Only pixels within the pen's reach of the segment's bounding box can get ink.
        var reach = penRadius + 1;
        var minX = Math.Max(0, (int)MathF.Floor(MathF.Min(a.X, b.X) - reach));
        var maxX = Math.Min(DigitImages.Side - 1, (int)MathF.Ceiling(MathF.Max(a.X, b.X) + reach));
        var minY = Math.Max(0, (int)MathF.Floor(MathF.Min(a.Y, b.Y) - reach));
        var maxY = Math.Min(DigitImages.Side - 1, (int)MathF.Ceiling(MathF.Max(a.Y, b.Y) + reach));
        for (var y = minY; y <= maxY; y++)
        {
            for (var x = minX; x <= maxX; x++)
            {
                var distance = DistanceToSegment(new Vector2(x + 0.5f, y + 0.5f), a, b);
                var ink = Math.Clamp(penRadius + 0.5f - distance, 0, 1);
                ref var pixel = ref image[y * DigitImages.Side + x];
                pixel = MathF.Max(pixel, ink);
            }
        }
    }

    private static float DistanceToSegment(Vector2 p, Vector2 a, Vector2 b)
    {
        var ab = b - a;
        var lengthSquared = ab.LengthSquared();
        var t = lengthSquared == 0 ? 0 : Math.Clamp(Vector2.Dot(p - a, ab) / lengthSquared, 0, 1);
        return Vector2.Distance(p, a + t * ab);
    }
}
