// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11) and the
// Box-Muller mapping every backend uses, so one (seed, stream) gives the same eps everywhere.
// Normal i of (seed, stream): block b = i / 4, lane = i % 4;
//   key = (lo32(seed), hi32(seed)), counter = (b, 0, lo32(stream), hi32(stream));
//   (x0, x1, x2, x3) = Philox4x32-10(counter, key);
//   lanes 0,1 from the pair (x0, x1), lanes 2,3 from (x2, x3), by BoxMuller below.
using System.Runtime.CompilerServices;

namespace VaeGpu.Kernels.Random;

/// <summary>The counter-based generator and its normal mapping, as plain host code.</summary>
public static class Philox
{
    /// <summary>Round multipliers and Weyl key increments from Random123.</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Philox4x32 with 10 rounds: returns the four output words for a counter and key.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Generate(uint c0, uint c1, uint c2, uint c3,
        uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>
    /// Box-Muller on two 32-bit words: u1 = (top 24 bits of a + 1) / 2^24 in (0, 1] so the log is finite;
    /// u2 = (top 24 bits of b) / 2^24 in [0, 1); r = sqrt(-2 ln u1); returns (r cos 2 pi u2, r sin 2 pi u2).
    /// 24 bits because a float holds them exactly; all arithmetic in float32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float N0, float N1) BoxMuller(uint a, uint b)
    {
        const float Inv24 = 1.0f / 16777216.0f;
        float u1 = ((a >> 8) + 1) * Inv24;
        float u2 = (b >> 8) * Inv24;
        float r = MathF.Sqrt(-2.0f * MathF.Log(u1));
        float theta = 6.2831853071795864769f * u2;
        return (r * MathF.Cos(theta), r * MathF.Sin(theta));
    }

    /// <summary>The four normals of block <paramref name="block"/> of the stream (seed, stream).</summary>
    public static (float N0, float N1, float N2, float N3) NormalBlock(ulong seed, ulong stream, uint block)
    {
        var (x0, x1, x2, x3) = Generate(block, 0, (uint)stream, (uint)(stream >> 32),
            (uint)seed, (uint)(seed >> 32));
        var (n0, n1) = BoxMuller(x0, x1);
        var (n2, n3) = BoxMuller(x2, x3);
        return (n0, n1, n2, n3);
    }

    /// <summary>Normal <paramref name="index"/> of the stream (seed, stream); slow, for tests.</summary>
    public static float Normal(ulong seed, ulong stream, int index)
    {
        var (n0, n1, n2, n3) = NormalBlock(seed, stream, (uint)(index >> 2));
        return (index & 3) switch { 0 => n0, 1 => n1, 2 => n2, _ => n3 };
    }

    /// <summary>Writes normals [0, destination.Length) of the stream (seed, stream).</summary>
    public static void FillNormal(Span<float> destination, ulong seed, ulong stream)
    {
        int n = destination.Length;
        for (int block = 0; block * 4 < n; block++)
        {
            var (n0, n1, n2, n3) = NormalBlock(seed, stream, (uint)block);
            int i = block * 4;
            destination[i] = n0;
            if (i + 1 < n) destination[i + 1] = n1;
            if (i + 2 < n) destination[i + 2] = n2;
            if (i + 3 < n) destination[i + 3] = n3;
        }
    }

    /// <summary>
    /// Uniform <paramref name="index"/> of the stream (seed, stream) in [0, 1): word index % 4 of block
    /// index / 4, top 24 bits / 2^24 (exact in float32). Slow, for tests; the ops map it to [low, high).
    /// </summary>
    public static float Uniform(ulong seed, ulong stream, int index)
    {
        var (x0, x1, x2, x3) = Generate((uint)(index >> 2), 0, (uint)stream, (uint)(stream >> 32),
            (uint)seed, (uint)(seed >> 32));
        uint word = (index & 3) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
        return (word >> 8) * (1.0f / 16777216.0f);
    }
}
