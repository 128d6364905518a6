// Helpers for data tests: builders for small IDX files, gzip and LIBSVM text, so malformed inputs can
// be written byte by byte (into a TempFolder).
using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeGpu.Tests.Data;

/// <summary>Builds IDX, gzip and LIBSVM bytes for tests.</summary>
internal static class DataFiles
{
    /// <summary>An IDX file: magic 00 00 type dims, big-endian sizes, then the payload.</summary>
    public static byte[] Idx(byte type, int[] dims, byte[] payload, byte first = 0, byte second = 0)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[0] = first;
        bytes[1] = second;
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>A valid IDX image file of <paramref name="count"/> random rows x cols images.</summary>
    public static byte[] Images(int count, int rows, int cols, Random random, out byte[] pixels)
    {
        pixels = new byte[count * rows * cols];
        random.NextBytes(pixels);
        return Idx(0x08, [count, rows, cols], pixels);
    }

    /// <summary>A valid IDX label file.</summary>
    public static byte[] Labels(byte[] labels) => Idx(0x08, [labels.Length], labels);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(content);
        return output.ToArray();
    }

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    /// <summary>A dense LIBSVM line: LABEL 1:v1 ... n:vn with three-decimal values.</summary>
    public static string LibSvmLine(int label, double[] values) =>
        label.ToString(System.Globalization.CultureInfo.InvariantCulture) + string.Concat(values.Select(
            (value, index) => FormattableString.Invariant($" {index + 1}:{value:0.###}")));
}
