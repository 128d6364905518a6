// Test kernels for group-shared memory, barriers (also inside a device function), private arrays with
// register blocking, overridable tile constants, and uint-heavy device code (Philox, bit-exact).
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Random;

namespace VaeGpu.Tests.Translator;

internal static partial class SharedKernels
{
    /// <summary>Work-items per group of the reductions.</summary>
    public const int GroupItems = 64;
    /// <summary>Tile edge of the tiled product.</summary>
    public const int Tile = 16;
    /// <summary>Elements of one tile (derived: follows an override of Tile).</summary>
    public const int TileSquared = Tile * Tile;
    /// <summary>Columns each work-item accumulates in registers.</summary>
    public const int Wpt = 4;

    /// <summary>partial[group] = sum of the group's inputs, by a tree in group-shared memory.</summary>
    [Kernel]
    public static void BlockSum(KernelContext k, Buf<float> partial, Buf<float> input, int n)
    {
        var scratch = k.Shared<float>(GroupItems);
        int local = k.LocalId(0);
        int i = k.GlobalId(0);
        scratch[local] = i < n ? input[i] : 0f;
        k.Barrier();
        for (int stride = GroupItems / 2; stride > 0; stride >>= 1)
        {
            if (local < stride) scratch[local] += scratch[local + stride];
            k.Barrier();
        }
        if (local == 0) partial[k.GroupId(0)] = scratch[0];
    }

    /// <summary>c (m, n) = a (m, kk) * b (kk, n): shared tiles, barriers, Wpt accumulators each.</summary>
    [Kernel]
    public static void TiledMatMul(KernelContext k, Buf<float> c, Buf<float> a, Buf<float> b,
        int m, int n, int kk)
    {
        var tileA = k.Shared<float>(TileSquared);
        var tileB = k.Shared<float>(TileSquared);
        var acc = k.Private<float>(Wpt);
        for (int w = 0; w < Wpt; w++) acc[w] = 0f;
        int lx = k.LocalId(0), ly = k.LocalId(1);
        int row = k.GroupId(1) * Tile + ly;
        int colBase = k.GroupId(0) * Tile;
        for (int t = 0; t < kk; t += Tile)
        {
            for (int w = 0; w < Wpt; w++)
            {
                int tileCol = lx * Wpt + w;
                int aCol = t + tileCol, bRow = t + ly, bCol = colBase + tileCol;
                tileA[ly * Tile + tileCol] = row < m && aCol < kk ? a[row * kk + aCol] : 0f;
                tileB[ly * Tile + tileCol] = bRow < kk && bCol < n ? b[bRow * n + bCol] : 0f;
            }
            k.Barrier();
            for (int p = 0; p < Tile; p++)
            {
                float av = tileA[ly * Tile + p];
                for (int w = 0; w < Wpt; w++) acc[w] += av * tileB[p * Tile + lx * Wpt + w];
            }
            k.Barrier();
        }
        for (int w = 0; w < Wpt; w++)
        {
            int col = colBase + lx * Wpt + w;
            if (row < m && col < n) c[row * n + col] = acc[w];
        }
    }

    /// <summary>Reverses each group's inputs in shared memory; the barrier is in a device function.</summary>
    [Kernel]
    public static void BarrierInFunction(KernelContext k, Buf<float> output, Buf<float> input)
    {
        var t = k.Shared<float>(GroupItems);
        int local = k.LocalId(0);
        t[local] = input[k.GlobalId(0)];
        Sync(k);
        output[k.GlobalId(0)] = t[GroupItems - 1 - local];
    }

    [DeviceFunction]
    public static void Sync(KernelContext k) => k.Barrier();

    /// <summary>Philox4x32-10 of counter (block, 0, 7, 0): must equal Philox.Generate bit for bit.</summary>
    [Kernel]
    public static void PhiloxWords(KernelContext k, Buf<uint> output, uint key0, uint key1, int blocks)
    {
        int block = k.GlobalId(0);
        if (block >= blocks) return;
        uint c0 = (uint)block, c1 = 0u, c2 = 7u, c3 = 0u, k0 = key0, k1 = key1;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += Philox.W0;
                k1 += Philox.W1;
            }
            uint hi0 = KMath.MulHi(Philox.M0, c0), lo0 = Philox.M0 * c0;
            uint hi1 = KMath.MulHi(Philox.M1, c2), lo1 = Philox.M1 * c2;
            uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }
        output[4 * block] = c0;
        output[4 * block + 1] = c1;
        output[4 * block + 2] = c2;
        output[4 * block + 3] = c3;
    }
}
