// Packing for the GEMM driver: copies a block of op(A) into MR-tall slivers laid out [k][MR] and a
// panel of op(B) into NR-wide slivers laid out [k][NR], padding edge slivers with zeros so the
// micro-kernel never needs a bounds check. The layout's transposes are applied here.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeGpu.Kernels.Cpu;

internal sealed unsafe partial class CpuGemm
{
    /// <summary>Packs A slivers [first, end) of rows [i0, i0 + mc) x depths [p0, p0 + kc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackA(float* dst, int i0, int mc, int p0, int kc, int first, int end)
    {
        for (int s = first; s < end; s++)
        {
            int row = i0 + s * mr, rows = Math.Min(mr, i0 + mc - row);
            float* d = dst + (long)s * mr * kc;
            if (layout == GemmLayout.TN)
            {
                // A is stored k x m: each depth step is a contiguous run of rows.
                int p = 0;
                if (rows == 8 && mr == 8 && Vector256.IsHardwareAccelerated)
                {
                    for (; p < kc; p++) Vector256.Load(a + (long)(p0 + p) * m + row).Store(d + p * 8);
                }
                else if (rows == 6 && row + 8 <= m && Vector256.IsHardwareAccelerated)
                {
                    // 8-wide copies 6 apart: each overwrites the 2 extra floats of the one before.
                    for (; p < kc - 1; p++) Vector256.Load(a + (long)(p0 + p) * m + row).Store(d + p * 6);
                }
                for (; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * m + row;
                    float* dp = d + p * mr;
                    int r = 0;
                    for (; r < rows; r++) dp[r] = src[r];
                    for (; r < mr; r++) dp[r] = 0;
                }
            }
            else if (rows == mr && (mr == 6 || mr == 8) && Avx.IsSupported)
            {
                PackATransposed(d, row, p0, kc);
            }
            else
            {
                // A is stored m x k: read each row contiguously, write with stride MR.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(row + r) * k + p0;
                    float* dp = d + r;
                    for (int p = 0; p < kc; p++) dp[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) d[p * mr + r] = 0;
            }
        }
    }

    /// <summary>Packs a full sliver of MR = 6 or 8 rows of an m x k A by 8 x 8 register transposes, 8
    /// depths at a time (with 6 rows, 2 rows of zeros ride along and each 8-float store runs 2 floats into
    /// the next depth's place, which the next store or the exact tail overwrites).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackATransposed(float* d, int row, int p0, int kc)
    {
        float* s0 = a + (long)row * k + p0;
        int p = 0, end = mr == 8 ? kc : kc - 1;
        for (; p + 8 <= end; p += 8)
        {
            var r0 = Vector256.Load(s0 + p);
            var r1 = Vector256.Load(s0 + k + p);
            var r2 = Vector256.Load(s0 + 2L * k + p);
            var r3 = Vector256.Load(s0 + 3L * k + p);
            var r4 = Vector256.Load(s0 + 4L * k + p);
            var r5 = Vector256.Load(s0 + 5L * k + p);
            var r6 = mr == 8 ? Vector256.Load(s0 + 6L * k + p) : default;
            var r7 = mr == 8 ? Vector256.Load(s0 + 7L * k + p) : default;
            CpuMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            float* dp = d + p * mr;
            r0.Store(dp); r1.Store(dp + mr); r2.Store(dp + 2 * mr); r3.Store(dp + 3 * mr);
            r4.Store(dp + 4 * mr); r5.Store(dp + 5 * mr); r6.Store(dp + 6 * mr); r7.Store(dp + 7 * mr);
        }
        for (; p < kc; p++)
            for (int r = 0; r < mr; r++) d[p * mr + r] = s0[(long)r * k + p];
    }

    /// <summary>Packs B slivers [first, end) of depths [p0, p0 + kc) x columns [j0, j0 + nc).</summary>
    private void PackB(float* dst, int j0, int nc, int p0, int kc, int first, int end)
    {
        for (int s = first; s < end; s++)
        {
            int col = j0 + s * nr;
            PackBSliver(dst + (long)s * nr * kc, col, Math.Min(nr, j0 + nc - col), p0, kc);
        }
    }

    /// <summary>Packs one B sliver: depths [p0, p0 + kc) x columns [col, col + cols), cols <= NR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackBSliver(float* d, int col, int cols, int p0, int kc)
    {
        if (image != null) GatherBSliver(d, col, cols, p0, kc);
        else if (layout != GemmLayout.NT)
        {
            // B is stored k x n: each depth step is a contiguous run of columns.
            bool prefetch = Sse.IsSupported && col + 2 * nr <= n;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (long)(p0 + p) * n + col;
                float* dp = d + p * nr;
                if (prefetch)
                {
                    // The next sliver's row, so its misses overlap this sliver's tiles.
                    Sse.Prefetch1(src + nr);
                    Sse.Prefetch1(src + nr + 16);
                }
                if (cols == nr && Vector256.IsHardwareAccelerated)
                {
                    for (int q = 0; q < nr; q += 8) Vector256.Store(Vector256.Load(src + q), dp + q);
                    continue;
                }
                int cc = 0;
                for (; cc < cols; cc++) dp[cc] = src[cc];
                for (; cc < nr; cc++) dp[cc] = 0;
            }
        }
        else if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
        {
            PackBTransposed8x8(d, col, p0, kc);
        }
        else
        {
            // B is stored n x k: read each column of op(B) contiguously, write with stride NR.
            for (int cc = 0; cc < cols; cc++)
            {
                float* src = b + (long)(col + cc) * k + p0;
                float* dp = d + cc;
                for (int p = 0; p < kc; p++) dp[p * nr] = src[p];
            }
            for (int cc = cols; cc < nr; cc++)
                for (int p = 0; p < kc; p++) d[p * nr + cc] = 0;
        }
    }

    /// <summary>NT packing of a full sliver by 8 x 8 register transposes (8 rows of B, 8 depths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackBTransposed8x8(float* d, int col, int p0, int kc)
    {
        int kc8 = kc & ~7;
        bool prefetch = Sse.IsSupported && col + 2 * nr <= n;
        for (int cb = 0; cb < nr; cb += 8)
        {
            float* src = b + (long)(col + cb) * k + p0;
            float* next = src + (long)nr * k; // the same rows of the next sliver
            for (int cc = 0; cc < 8; cc++)
                for (int p = kc8; p < kc; p++) d[(long)p * nr + cb + cc] = src[(long)cc * k + p];
            for (int p = 0; p < kc8; p += 8)
            {
                float* s = src + p;
                if (prefetch && (p & 15) == 0)
                    for (int r = 0; r < 8; r++) Sse.Prefetch1(next + r * (long)k + p);
                var r0 = Vector256.Load(s);
                var r1 = Vector256.Load(s + k);
                var r2 = Vector256.Load(s + 2L * k);
                var r3 = Vector256.Load(s + 3L * k);
                var r4 = Vector256.Load(s + 4L * k);
                var r5 = Vector256.Load(s + 5L * k);
                var r6 = Vector256.Load(s + 6L * k);
                var r7 = Vector256.Load(s + 7L * k);
                CpuMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                float* dp = d + (long)p * nr + cb;
                r0.Store(dp); r1.Store(dp + nr); r2.Store(dp + 2 * nr); r3.Store(dp + 3 * nr);
                r4.Store(dp + 4 * nr); r5.Store(dp + 5 * nr); r6.Store(dp + 6 * nr); r7.Store(dp + 7 * nr);
            }
        }
    }
}
