// Philox4x32-10 and Box-Muller on the device, following src/VaeGpu.Kernels/Random/Philox.cs exactly:
// normal i of (seed, stream) comes from block i / 4 with key (lo32 seed, hi32 seed) and counter
// (block, 0, lo32 stream, hi32 stream). The 32-bit words match the host bit for bit; the normals
// agree to float rounding of log/cos/sin, which the device's math library computes.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Random;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Counter-based normals: fill, the reparameterization trick and its backward.</summary>
internal static partial class RandomKernels
{
    /// <summary>
    /// Box-Muller radius sqrt(-2 ln u1) with u1 = (top 24 bits of a + 1) / 2^24 in (0, 1], so the log is
    /// finite; 24 bits because a float holds them exactly.
    /// </summary>
    [DeviceFunction]
    public static float BoxMullerRadius(uint a)
    {
        float u1 = (float)((a >> 8) + 1u) * (1.0f / 16777216.0f);
        return KMath.Sqrt(-2.0f * KMath.Log(u1));
    }

    /// <summary>Box-Muller angle 2 pi u2 with u2 = (top 24 bits of b) / 2^24 in [0, 1).</summary>
    [DeviceFunction]
    public static float BoxMullerAngle(uint b)
    {
        float u2 = (float)(b >> 8) * (1.0f / 16777216.0f);
        return 6.2831853071795864769f * u2;
    }

    /// <summary>
    /// Word <paramref name="word"/> (0..3) of Philox4x32-10 with counter (block, 0, streamLo, streamHi) and
    /// key (seedLo, seedHi). The key is bumped after each round, which equals bumping before rounds 1..9.
    /// </summary>
    [DeviceFunction]
    public static uint PhiloxWord(uint block, int word, uint seedLo, uint seedHi, uint streamLo,
        uint streamHi)
    {
        uint c0 = block;
        uint c1 = 0u;
        uint c2 = streamLo;
        uint c3 = streamHi;
        uint k0 = seedLo;
        uint k1 = seedHi;
        for (int round = 0; round < 10; round++)
        {
            uint hi0 = KMath.MulHi(Philox.M0, c0);
            uint lo0 = Philox.M0 * c0;
            uint hi1 = KMath.MulHi(Philox.M1, c2);
            uint lo1 = Philox.M1 * c2;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += Philox.W0;
            k1 += Philox.W1;
        }
        if (word == 0) return c0;
        if (word == 1) return c1;
        if (word == 2) return c2;
        return c3;
    }

    /// <summary>
    /// Normal i of (seed, stream): lanes 0 and 1 of block i / 4 are r cos t and r sin t of the pair of words
    /// (0, 1); lanes 2 and 3 those of words (2, 3).
    /// </summary>
    [DeviceFunction]
    public static float PhiloxNormal(int i, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
    {
        uint block = (uint)(i >> 2);
        int lane = i & 3;
        int first = lane < 2 ? 0 : 2;
        float r = BoxMullerRadius(PhiloxWord(block, first, seedLo, seedHi, streamLo, streamHi));
        float t = BoxMullerAngle(PhiloxWord(block, first + 1, seedLo, seedHi, streamLo, streamHi));
        if ((lane & 1) == 0) return r * KMath.Cos(t);
        return r * KMath.Sin(t);
    }

    /// <summary>destination[i] = normal i of (seed, stream) for i &lt; n.</summary>
    [Kernel]
    public static void FillNormal(KernelContext k, Buf<float> destination, int n, uint seedLo, uint seedHi,
        uint streamLo, uint streamHi)
    {
        int i = k.GlobalId(0);
        if (i < n) destination[i] = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
    }

    /// <summary>eps[i] = normal i of (seed, stream); z[i] = mu[i] + exp(0.5 logvar[i]) eps[i].</summary>
    [Kernel]
    public static void ReparameterizeForward(KernelContext k, Buf<float> z, Buf<float> eps, Buf<float> mu,
        Buf<float> logvar, int n, uint seedLo, uint seedHi, uint streamLo, uint streamHi)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            float normal = PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
            eps[i] = normal;
            z[i] = mu[i] + KMath.Exp(0.5f * logvar[i]) * normal;
        }
    }

    /// <summary>dmu[i] += dz[i]; dlogvar[i] += 0.5 dz[i] eps[i] exp(0.5 logvar[i]).</summary>
    [Kernel]
    public static void ReparameterizeBackward(KernelContext k, Buf<float> dmu, Buf<float> dlogvar,
        Buf<float> dz, Buf<float> eps, Buf<float> logvar, int n)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            dmu[i] = dmu[i] + dz[i];
            dlogvar[i] = dlogvar[i] + 0.5f * dz[i] * eps[i] * KMath.Exp(0.5f * logvar[i]);
        }
    }

    /// <summary>
    /// Test hook: words[4 b + j] = word j of Philox4x32-10(counter (b, 0, streamLo, streamHi), key (seedLo,
    /// seedHi)) for b &lt; blocks, to compare with the host bit for bit.
    /// </summary>
    [Kernel]
    public static void PhiloxWords(KernelContext k, Buf<uint> words, int blocks, uint seedLo, uint seedHi,
        uint streamLo, uint streamHi)
    {
        int block = k.GlobalId(0);
        if (block < blocks)
        {
            for (int word = 0; word < 4; word++)
                words[block * 4 + word] = PhiloxWord((uint)block, word, seedLo, seedHi, streamLo, streamHi);
        }
    }
}
