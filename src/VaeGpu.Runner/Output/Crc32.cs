// CRC-32 (ISO-HDLC, the polynomial PNG and zlib use: reflected 0xEDB88320), table-driven.
// PNG stores it over each chunk's type and data (PNG spec, section 5.3).
namespace VaeGpu.Runner.Output;

/// <summary>Incremental CRC-32 as PNG chunks need it.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The initial register value.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds bytes into a running register.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte value in data) crc = Table[(crc ^ value) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>Turns a running register into the final checksum.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
