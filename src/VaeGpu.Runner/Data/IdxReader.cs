// Reader for the IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, the
// element type 0x08 = unsigned byte, the dimension count) followed by the dimension sizes and the data.
// Images are 3-D (count, rows, cols), labels 1-D (count). Every violation names the file and the
// expected value; the whole file must be exactly header + data.
using System.Buffers.Binary;

namespace VaeGpu.Runner.Data;

/// <summary>Images read from an IDX file: Count x Rows*Cols bytes, row-major.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols);

/// <summary>Reads IDX image and label files (gzip or raw).</summary>
public static class IdxReader
{
    /// <summary>Element type code for unsigned bytes, the only type MNIST-style files use.</summary>
    public const byte UnsignedByteType = 0x08;

    // Guard against headers that declare absurd sizes before we try to index with them.
    private const long MaxElements = int.MaxValue;

    /// <summary>Reads an IDX image file (3 dimensions: count, rows, cols).</summary>
    public static IdxImages ReadImages(string path)
    {
        // The header is decoded apart from the pixels, so the pixel array is the decoder's own output
        // and not a copy of it (the copy was 47 MB of MNIST's training images, resident while loading).
        Span<byte> header = stackalloc byte[ImageHeaderBytes];
        byte[] pixels = CompressedFile.ReadAllBytes(path, header, out int headerRead);
        if (headerRead == ImageHeaderBytes && IsUnsignedByteHeader(header, 3))
        {
            int count = Dim(header, 0), rows = Dim(header, 1), cols = Dim(header, 2);
            if (count > 0 && rows > 0 && cols > 0 && (long)count * rows * cols == pixels.LongLength)
                return new IdxImages(pixels, count, rows, cols);
        }
        // Anything unusual goes through the full parse, which names the problem.
        return ParseImages(path, [.. header[..headerRead], .. pixels]);
    }

    /// <summary>Reads an IDX label file (1 dimension) whose labels must lie in 0..classes-1.</summary>
    public static byte[] ReadLabels(string path, int classes) =>
        ParseLabels(path, CompressedFile.ReadAllBytes(path), classes);

    private const int ImageHeaderBytes = 4 + 4 * 3;

    private static bool IsUnsignedByteHeader(ReadOnlySpan<byte> header, int dims) =>
        header[0] == 0 && header[1] == 0 && header[2] == UnsignedByteType && header[3] == dims;

    // Dimension d of an IDX header; a size above int.MaxValue reads as -1 (the full parse reports it).
    private static int Dim(ReadOnlySpan<byte> header, int d)
    {
        uint size = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * d)..]);
        return size > int.MaxValue ? -1 : (int)size;
    }

    /// <summary>Parses decompressed IDX image bytes; <paramref name="name"/> names them in errors.</summary>
    public static IdxImages ParseImages(string name, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] dims = ParseHeader(name, data, expectedDims: 3, "image", "count, rows, cols");
        byte[] pixels = CheckedPayload(name, data, dims, "images");
        return new IdxImages(pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Parses decompressed IDX label bytes; every label must lie in 0..classes-1.</summary>
    public static byte[] ParseLabels(string name, byte[] data, int classes)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, 256);
        int[] dims = ParseHeader(name, data, expectedDims: 1, "label", "count");
        byte[] labels = CheckedPayload(name, data, dims, "labels");
        for (int index = 0; index < labels.Length; index++)
        {
            if (labels[index] >= classes)
                throw new DataException($"{name}: label {labels[index]} at index {index} is out of range; "
                    + $"expected 0..{classes - 1}.");
        }
        return labels;
    }

    private static int[] ParseHeader(
        string name, byte[] data, int expectedDims, string kind, string dimNames)
    {
        if (data.Length == 0)
            throw new DataException($"{name}: the file is empty; expected an IDX {kind} file.");
        if (data.Length < 4)
            throw new DataException($"{name}: truncated IDX header ({data.Length} bytes); expected at least "
                + $"{4 + 4 * expectedDims} bytes of header.");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(data);
        string expectedMagic = $"0x{(UnsignedByteType << 8) | expectedDims:X8}";
        if (data[0] != 0 || data[1] != 0)
            throw new DataException($"{name}: wrong magic number 0x{magic:X8}, not an IDX file; expected "
                + $"{expectedMagic} (IDX {kind} file of unsigned bytes).");
        if (data[2] != UnsignedByteType)
            throw new DataException($"{name}: wrong magic number 0x{magic:X8}: element type 0x{data[2]:X2} "
                + $"is not supported; expected 0x{UnsignedByteType:X2} (unsigned byte), "
                + $"magic {expectedMagic}.");
        if (data[3] != expectedDims)
            throw new DataException($"{name}: wrong dimension count {data[3]} (magic 0x{magic:X8}); "
                + $"expected {expectedDims} ({dimNames}) for an IDX {kind} file, magic {expectedMagic}.");
        int headerBytes = 4 + 4 * expectedDims;
        if (data.Length < headerBytes)
            throw new DataException($"{name}: truncated IDX header ({data.Length} bytes); expected "
                + $"{headerBytes} bytes of header for {expectedDims} dimension(s).");
        var dims = new int[expectedDims];
        long elements = 1;
        for (int d = 0; d < expectedDims; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4 + 4 * d));
            if (size == 0 || size > int.MaxValue)
                throw new DataException(
                    $"{name}: dimension {d} has size {size}; expected 1..{int.MaxValue}.");
            dims[d] = (int)size;
            elements *= size;
            if (elements > MaxElements)
                throw new DataException($"{name}: header declares more than {MaxElements} elements; "
                    + "expected a dataset that fits in memory (is the header corrupt?).");
        }
        return dims;
    }

    private static byte[] CheckedPayload(string name, byte[] data, int[] dims, string what)
    {
        int headerBytes = 4 + 4 * dims.Length;
        long expected = 1;
        foreach (int size in dims)
            expected *= size;
        long actual = data.Length - headerBytes;
        string shape = string.Join(" x ", dims);
        if (actual < expected)
            throw new DataException($"{name}: truncated data: the header declares {shape} {what} "
                + $"({expected} bytes) but only {actual} bytes follow the header.");
        if (actual > expected)
            throw new DataException($"{name}: {actual - expected} unexpected bytes after the data: "
                + $"the header declares {shape} {what} ({expected} bytes); expected the file to end there.");
        return data.AsSpan(headerBytes).ToArray();
    }
}
