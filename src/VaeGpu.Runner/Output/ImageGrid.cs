// Lays out small images (float pixels in [0, 1], one image after another, row-major) on a grid with
// a padding border, as 8-bit greyscale or RGB, ready for PngEncoder. Reconstruction pictures use the
// RGB form with a coloured rule between the originals and their reconstructions.
namespace VaeGpu.Runner.Output;

/// <summary>A composed picture: its size, colour type and pixel bytes.</summary>
public sealed record Picture(int Width, int Height, PngColor Color, byte[] Pixels)
{
    /// <summary>Writes the picture as a PNG file (atomically).</summary>
    public void Save(string path) => PngEncoder.Write(path, Width, Height, Color, Pixels);
}

/// <summary>Builds grids of equally sized images.</summary>
public static class ImageGrid
{
    /// <summary>Pixels between images (and around the border) unless a caller asks otherwise.</summary>
    public const int DefaultPadding = 2;

    /// <summary>
    /// A greyscale grid of <paramref name="count"/> images of width x height floats in [0, 1], filled row by
    /// row with <paramref name="columns"/> per row and <paramref name="padding"/> pixels between them.
    /// </summary>
    public static Picture Gray(ReadOnlySpan<float> images, int count, int width, int height, int columns,
        int padding = DefaultPadding)
    {
        Check(images, count, width, height, columns, padding);
        int rows = (count + columns - 1) / columns;
        int canvasWidth = columns * (width + padding) + padding;
        int canvasHeight = rows * (height + padding) + padding;
        var pixels = new byte[canvasWidth * canvasHeight];
        for (int image = 0; image < count; image++)
        {
            int left = padding + image % columns * (width + padding);
            int top = padding + image / columns * (height + padding);
            var source = images.Slice(image * width * height, width * height);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    pixels[(top + y) * canvasWidth + left + x] = ToByte(source[y * width + x]);
        }
        return new Picture(canvasWidth, canvasHeight, PngColor.Gray, pixels);
    }

    /// <summary>
    /// Originals above their reconstructions: two greyscale grids of the same layout stacked, with a red rule
    /// between them, as RGB.
    /// </summary>
    public static Picture OriginalsOverReconstructions(ReadOnlySpan<float> originals,
        ReadOnlySpan<float> reconstructions,
        int count, int width, int height, int columns)
    {
        var top = Gray(originals, count, width, height, columns);
        var bottom = Gray(reconstructions, count, width, height, columns);
        const int Rule = 2;
        int canvasHeight = top.Height + Rule + bottom.Height;
        var rgb = new byte[top.Width * canvasHeight * 3];
        CopyGrayIntoRgb(top, rgb, 0);
        for (int y = top.Height; y < top.Height + Rule; y++)
            for (int x = 0; x < top.Width; x++)
            {
                int at = (y * top.Width + x) * 3;
                rgb[at] = 220; rgb[at + 1] = 40; rgb[at + 2] = 40;
            }
        CopyGrayIntoRgb(bottom, rgb, top.Height + Rule);
        return new Picture(top.Width, canvasHeight, PngColor.Rgb, rgb);
    }

    /// <summary>Maps a value in [0, 1] to a byte with rounding; NaN becomes 0.</summary>
    public static byte ToByte(float value) =>
        float.IsNaN(value) ? (byte)0 : (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);

    private static void CopyGrayIntoRgb(Picture gray, byte[] rgb, int topRow)
    {
        for (int y = 0; y < gray.Height; y++)
            for (int x = 0; x < gray.Width; x++)
            {
                byte value = gray.Pixels[y * gray.Width + x];
                int at = ((topRow + y) * gray.Width + x) * 3;
                rgb[at] = value; rgb[at + 1] = value; rgb[at + 2] = value;
            }
    }

    private static void Check(ReadOnlySpan<float> images, int count, int width, int height, int columns,
        int padding)
    {
        if (count <= 0 || width <= 0 || height <= 0 || columns <= 0 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"grid needs positive count, size and columns: {count} images of {width}x{height}, "
                + $"{columns} columns");
        if (images.Length < (long)count * width * height)
            throw new ArgumentException(
                $"{count} images of {width}x{height} need {(long)count * width * height} "
                + $"values, got {images.Length}", nameof(images));
    }
}
