// Reads a whole dataset file into memory, undoing gzip or bzip2 compression when the file's first
// bytes say so (magic 1F 8B for gzip, "BZh" for bzip2), else returning the raw bytes. The file
// extension is not trusted. A corrupt stream becomes a DataException naming the file.
using System.Diagnostics;
using System.IO.Compression;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.BZip2;

namespace VaeGpu.Runner.Data;

/// <summary>How a dataset file's bytes are stored.</summary>
public enum Compression
{
    /// <summary>Uncompressed bytes.</summary>
    None,

    /// <summary>A gzip stream (RFC 1952).</summary>
    Gzip,

    /// <summary>A bzip2 stream.</summary>
    Bzip2,
}

/// <summary>Reads dataset files, gzip- or bzip2-compressed or raw, into memory.</summary>
public static class CompressedFile
{
    /// <summary>Returns the decompressed content of <paramref name="path"/>; throws DataException when
    /// the file is missing, empty or a corrupt compressed stream.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] stored = ReadStored(path);
        return Decompress(path, stored);
    }

    /// <summary>Like <see cref="ReadAllBytes(string)"/>, but the content's first header.Length bytes go
    /// to <paramref name="header"/> (<paramref name="headerRead"/> of them exist) and only the rest is
    /// returned, so a caller that wants the payload alone needs no second copy of it.</summary>
    public static byte[] ReadAllBytes(string path, Span<byte> header, out int headerRead)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] stored = ReadStored(path);
        Compression kind = Detect(stored);
        if (kind != Compression.None)
            return DecompressCore(path, stored, kind, OpenDecoder, header, out headerRead);
        headerRead = Math.Min(header.Length, stored.Length);
        stored.AsSpan(0, headerRead).CopyTo(header);
        return stored.AsSpan(headerRead).ToArray();
    }

    /// <summary>Detects the compression of <paramref name="data"/> from its first bytes.</summary>
    public static Compression Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B)
            return Compression.Gzip;
        if (data.Length >= 3 && data[0] == (byte)'B' && data[1] == (byte)'Z' && data[2] == (byte)'h')
            return Compression.Bzip2;
        return Compression.None;
    }

    /// <summary>Decompresses <paramref name="stored"/>, the bytes of <paramref name="path"/>.</summary>
    public static byte[] Decompress(string path, byte[] stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        Compression kind = Detect(stored);
        if (kind == Compression.None)
            return stored;
        return DecompressCore(path, stored, kind, OpenDecoder);
    }

    /// <summary>Decodes with the stream <paramref name="open"/> makes (tests pass a faulty one).</summary>
    internal static byte[] DecompressCore(string path, byte[] stored, Compression kind,
        Func<Stream, Compression, Stream> open) => DecompressCore(path, stored, kind, open, [], out _);

    // Decodes the first header.Length bytes into header, the rest into the returned array.
    private static byte[] DecompressCore(string path, byte[] stored, Compression kind,
        Func<Stream, Compression, Stream> open, Span<byte> header, out int headerRead)
    {
        try
        {
            using var input = new MemoryStream(stored, writable: false);
            using Stream decoder = open(input, kind);
            headerRead = decoder.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            using var output = new MemoryStream(Math.Max(InitialCapacity(kind, stored) - headerRead, 0));
            decoder.CopyTo(output);
            // When the gzip trailer sized the buffer exactly, hand it out instead of copying it.
            bool exact = output.Length == output.Capacity;
            byte[] result = exact && output.TryGetBuffer(out ArraySegment<byte> all)
                ? all.Array!
                : output.ToArray();
            if (kind == Compression.Gzip)
                CheckGzipLength(path, stored, headerRead + result.LongLength);
            if (headerRead + result.Length == 0)
                throw new DataException($"{path}: the {Name(kind)} stream decompresses to nothing; "
                    + "expected the dataset's content. Delete the file and fetch it again.");
            return result;
        }
        catch (Exception e) when (IsCorruptStream(e))
        {
            throw new DataException($"{path}: corrupt {Name(kind)} stream ({e.Message.TrimEnd('.')}); "
                + $"expected a complete {Name(kind)} file. Delete it and fetch the dataset again.", e);
        }
    }

    private static Stream OpenDecoder(Stream input, Compression kind) => kind == Compression.Gzip
        ? new GZipStream(input, CompressionMode.Decompress)
        : new BZip2InputStream(input);

    // What a corrupt stream makes the decoders throw: GZipStream an InvalidDataException, SharpZipLib
    // its own exceptions or EndOfStreamException. SharpZipLib's bzip2 decoder also indexes its Huffman
    // tables with unchecked stream bits, so bad data can raise IndexOutOfRangeException inside it; that
    // counts as corrupt data only when SharpZipLib's own code threw it. Anything else (our bug) escapes.
    private static bool IsCorruptStream(Exception e) => e switch
    {
        InvalidDataException or SharpZipBaseException or EndOfStreamException => true,
        IndexOutOfRangeException => ThrownBySharpZipLib(e),
        _ => false,
    };

    // The first frame outside the runtime library (whose helpers raise bounds-check failures) decides.
    private static bool ThrownBySharpZipLib(Exception e)
    {
        foreach (var frame in new StackTrace(e, false).GetFrames())
        {
            var assembly = frame.GetMethod()?.Module.Assembly;
            if (assembly is null || assembly == typeof(object).Assembly) continue;
            return assembly == typeof(BZip2InputStream).Assembly;
        }
        return false;
    }

    // A gzip trailer names the decompressed size; trust it only within a plausible ratio, since a
    // corrupt or cut-short file's "trailer" is arbitrary bytes. Otherwise guess 4x and let it grow.
    private static int InitialCapacity(Compression kind, byte[] stored)
    {
        const int PlausibleRatio = 16;
        long guess = Math.Min(4L * stored.Length, Array.MaxLength);
        if (kind != Compression.Gzip || stored.Length < 18)
            return (int)guess;
        uint trailer = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(^4));
        return trailer > 0 && trailer <= PlausibleRatio * (long)stored.Length && trailer <= Array.MaxLength
            ? (int)trailer
            : (int)guess;
    }

    // .NET's GZipStream ends quietly at the end of a cut-short file. The gzip trailer's last field
    // (ISIZE) holds the decompressed length mod 2^32, so a truncated file is caught here instead of
    // later as an odd parse error. (Multi-member gzip files, rare for datasets, would need all members.)
    private static void CheckGzipLength(string path, byte[] stored, long decompressed)
    {
        const int MinimumGzipBytes = 18; // 10-byte header + 8-byte trailer
        uint trailer = stored.Length >= MinimumGzipBytes
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(^4))
            : uint.MaxValue;
        if (stored.Length < MinimumGzipBytes || trailer != (uint)decompressed)
            throw new DataException($"{path}: truncated gzip stream: it decompresses to {decompressed} "
                + $"bytes but its trailer says {trailer}; expected a complete gzip file. Delete it and "
                + "fetch the dataset again.");
    }

    private static byte[] ReadStored(string path)
    {
        byte[] stored;
        try
        {
            stored = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException($"{path}: file not found.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot be read ({e.Message.TrimEnd('.')}).", e);
        }
        if (stored.Length == 0)
            throw new DataException($"{path}: the file is empty (0 bytes); expected dataset content "
                + "(gzip, bzip2 or raw).");
        return stored;
    }

    private static string Name(Compression kind) => kind == Compression.Gzip ? "gzip" : "bzip2";
}
