// Our own PNG writer (ImageSharp is not in our package source): 8-bit greyscale or RGB, one IDAT
// chunk compressed with System.IO.Compression.ZLibStream, filter type 0 (None) on every row,
// which keeps the encoder short; the small images a run produces compress well enough without filters.
using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeGpu.Runner.Output;

/// <summary>PNG colour types this encoder writes.</summary>
public enum PngColor
{
    /// <summary>One byte per pixel (colour type 0).</summary>
    Gray = 0,
    /// <summary>Three bytes per pixel, R G B (colour type 2).</summary>
    Rgb = 2,
}

/// <summary>Encodes 8-bit greyscale and RGB images as PNG.</summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes row-major pixels (width x height x channels bytes) to PNG bytes.</summary>
    public static byte[] Encode(int width, int height, PngColor color, ReadOnlySpan<byte> pixels)
    {
        int channels = color == PngColor.Gray ? 1 : 3;
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"PNG size must be positive, got {width}x{height}");
        if (color != PngColor.Gray && color != PngColor.Rgb)
            throw new ArgumentOutOfRangeException(nameof(color), $"unsupported colour type {color}");
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException(
                $"{width}x{height} {color} needs {expected} bytes, got {pixels.Length}", nameof(pixels));
        return EncodeCore(width, height, color, channels, pixels);
    }

    /// <summary>Encodes and writes atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, int width, int height, PngColor color, ReadOnlySpan<byte> pixels) =>
        AtomicFile.WriteAllBytes(path, Encode(width, height, color, pixels));

    private static byte[] EncodeCore(int width, int height, PngColor color, int channels,
        ReadOnlySpan<byte> pixels)
    {
        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;              // bit depth
        header[9] = (byte)color;    // colour type
        header[10] = 0;             // compression: deflate
        header[11] = 0;             // filter method 0
        header[12] = 0;             // no interlace
        WriteChunk(output, "IHDR"u8, header);

        int stride = width * channels;
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int row = 0; row < height; row++)
                {
                    zlib.WriteByte(0); // filter type None
                    zlib.Write(pixels.Slice(row * stride, stride));
                }
            }
            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
