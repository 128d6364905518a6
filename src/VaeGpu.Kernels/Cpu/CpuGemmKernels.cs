// GEMM micro-kernels: each computes one MR x NR tile of packed A times packed B over kc steps and
// writes it to rows of stride ld: a full tile straight into C (adding C's values and the bias when
// asked), an edge tile into a tile buffer (row-major MR x NR) that the driver merges into C.
// Packed A sliver: [kc][MR] (MR rows side by side per k); packed B sliver: [kc][NR].
// Every kernel sums over k in order with one fused multiply-add per step, so a C element's value
// does not depend on where its tile lies: results are the same for any thread count.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeGpu.Kernels.Cpu;

/// <summary>The register-tiled micro-kernel a <see cref="CpuAccelerator"/> uses for GEMM.</summary>
internal enum CpuGemmKernel
{
    /// <summary>Best supported by this CPU.</summary>
    Auto,
    /// <summary>Vector512 (AVX-512F), 8 x 32 tile.</summary>
    Avx512,
    /// <summary>Vector256 with FMA3 (AVX2 machines), 6 x 16 tile.</summary>
    Avx2,
    /// <summary>Vector128 with a portable fused multiply-add, 4 x 8 tile; runs anywhere.</summary>
    Portable,
}

internal static unsafe class CpuGemmKernels
{
    /// <summary>Picks the widest kernel the CPU supports.</summary>
    public static CpuGemmKernel Best() =>
        Avx512F.IsSupported ? CpuGemmKernel.Avx512
        : Fma.IsSupported && Avx2.IsSupported ? CpuGemmKernel.Avx2
        : CpuGemmKernel.Portable;

    /// <summary>True when this CPU can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(CpuGemmKernel kernel) => kernel switch
    {
        CpuGemmKernel.Avx512 => Avx512F.IsSupported,
        CpuGemmKernel.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        _ => true,
    };

    /// <summary>Tile rows (MR) and columns (NR) of a kernel.</summary>
    public static (int Mr, int Nr) TileOf(CpuGemmKernel kernel) => kernel switch
    {
        CpuGemmKernel.Avx512 => (8, 32),
        CpuGemmKernel.Avx2 => (6, 16),
        CpuGemmKernel.Portable => (4, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), $"no tile for {kernel}"),
    };

    /// <summary>6 x 16 tile: 12 ymm accumulators, 2 B vectors, 1 A broadcast (15 of 16 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Kernel6x16(int kc, float* pa, float* pb, float* dst, long ld, bool load,
        float* bias)
    {
        PrefetchRows(dst, ld, 6, 16);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadAlignedVector256(pb);
            var b1 = Avx.LoadAlignedVector256(pb + 8);
            var a = Avx.BroadcastScalarToVector256(pa);
            c00 = Fma.MultiplyAdd(a, b0, c00); c01 = Fma.MultiplyAdd(a, b1, c01);
            a = Avx.BroadcastScalarToVector256(pa + 1);
            c10 = Fma.MultiplyAdd(a, b0, c10); c11 = Fma.MultiplyAdd(a, b1, c11);
            a = Avx.BroadcastScalarToVector256(pa + 2);
            c20 = Fma.MultiplyAdd(a, b0, c20); c21 = Fma.MultiplyAdd(a, b1, c21);
            a = Avx.BroadcastScalarToVector256(pa + 3);
            c30 = Fma.MultiplyAdd(a, b0, c30); c31 = Fma.MultiplyAdd(a, b1, c31);
            a = Avx.BroadcastScalarToVector256(pa + 4);
            c40 = Fma.MultiplyAdd(a, b0, c40); c41 = Fma.MultiplyAdd(a, b1, c41);
            a = Avx.BroadcastScalarToVector256(pa + 5);
            c50 = Fma.MultiplyAdd(a, b0, c50); c51 = Fma.MultiplyAdd(a, b1, c51);
            pa += 6;
            pb += 16;
        }
        Put(dst, c00, c01, load, bias); Put(dst + ld, c10, c11, load, bias);
        Put(dst + 2 * ld, c20, c21, load, bias); Put(dst + 3 * ld, c30, c31, load, bias);
        Put(dst + 4 * ld, c40, c41, load, bias); Put(dst + 5 * ld, c50, c51, load, bias);
    }

    /// <summary>8 x 32 tile: 16 zmm accumulators, 2 B vectors, 1 A broadcast (19 of 32 registers). Eight
    /// rows divide the batch (128) and the channel counts (32, 64, 128) that the models' products have
    /// as M, where six rows left a part-empty edge tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Kernel8x32(int kc, float* pa, float* pb, float* dst, long ld, bool load,
        float* bias)
    {
        PrefetchRows(dst, ld, 8, 32);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(pb);
            var b1 = Vector512.Load(pb + 16);
            var a = Vector512.Create(pa[0]);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(pa[1]);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(pa[2]);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(pa[3]);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(pa[4]);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(pa[5]);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(pa[6]);
            c60 = Avx512F.FusedMultiplyAdd(a, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(pa[7]);
            c70 = Avx512F.FusedMultiplyAdd(a, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a, b1, c71);
            pa += 8;
            pb += 32;
        }
        Put(dst, c00, c01, load, bias); Put(dst + ld, c10, c11, load, bias);
        Put(dst + 2 * ld, c20, c21, load, bias); Put(dst + 3 * ld, c30, c31, load, bias);
        Put(dst + 4 * ld, c40, c41, load, bias); Put(dst + 5 * ld, c50, c51, load, bias);
        Put(dst + 6 * ld, c60, c61, load, bias); Put(dst + 7 * ld, c70, c71, load, bias);
    }

    /// <summary>4 x 8 tile with Vector128 and an exact fused multiply-add (hardware or software).</summary>
    public static void PortableKernel4x8(int kc, float* pa, float* pb, float* dst, long ld, bool load,
        float* bias)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(pb);
            var b1 = Vector128.Load(pb + 4);
            var a = Vector128.Create(pa[0]);
            c00 = Vector128.FusedMultiplyAdd(a, b0, c00); c01 = Vector128.FusedMultiplyAdd(a, b1, c01);
            a = Vector128.Create(pa[1]);
            c10 = Vector128.FusedMultiplyAdd(a, b0, c10); c11 = Vector128.FusedMultiplyAdd(a, b1, c11);
            a = Vector128.Create(pa[2]);
            c20 = Vector128.FusedMultiplyAdd(a, b0, c20); c21 = Vector128.FusedMultiplyAdd(a, b1, c21);
            a = Vector128.Create(pa[3]);
            c30 = Vector128.FusedMultiplyAdd(a, b0, c30); c31 = Vector128.FusedMultiplyAdd(a, b1, c31);
            pa += 4;
            pb += 8;
        }
        Put(dst, c00, c01, load, bias); Put(dst + ld, c10, c11, load, bias);
        Put(dst + 2 * ld, c20, c21, load, bias); Put(dst + 3 * ld, c30, c31, load, bias);
    }

    // Touches the tile's rows in C before the loop, so their cache misses overlap the multiply-adds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(float* dst, long ld, int rows, int cols)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++)
        {
            Sse.Prefetch0(dst + r * ld);
            Sse.Prefetch0(dst + r * ld + cols - 1);
        }
    }

    // One row of a tile: v [+ dst] [+ bias], the additions in the order the scalar merge makes them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* row, Vector512<float> v0, Vector512<float> v1, bool load, float* bias)
    {
        if (load) { v0 += Vector512.Load(row); v1 += Vector512.Load(row + 16); }
        if (bias != null) { v0 += Vector512.Load(bias); v1 += Vector512.Load(bias + 16); }
        v0.Store(row); v1.Store(row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* row, Vector256<float> v0, Vector256<float> v1, bool load, float* bias)
    {
        if (load) { v0 += Vector256.Load(row); v1 += Vector256.Load(row + 8); }
        if (bias != null) { v0 += Vector256.Load(bias); v1 += Vector256.Load(bias + 8); }
        v0.Store(row); v1.Store(row + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* row, Vector128<float> v0, Vector128<float> v1, bool load, float* bias)
    {
        if (load) { v0 += Vector128.Load(row); v1 += Vector128.Load(row + 4); }
        if (bias != null) { v0 += Vector128.Load(bias); v1 += Vector128.Load(bias + 4); }
        v0.Store(row); v1.Store(row + 4);
    }
}
