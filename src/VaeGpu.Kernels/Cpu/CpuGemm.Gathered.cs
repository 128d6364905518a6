// A GEMM whose B is never stored: element (r, j) of the stored B (k x n for NN, n x k for NT) is
// image[rowOffsets[r] + colOffsets[j]]. The convolutions use it for their column matrix, whose
// entries are pixels of a zero-padded image at offsets that split into a row part (channel and
// kernel tap) and a column part (sample and output position): the B slivers are gathered straight
// from the image, so the column matrix is neither written nor read back. The gathered values, and
// so the results, are those of the stored column matrix.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

internal sealed unsafe partial class CpuGemm
{
    private float* image;
    private int* rowOffsets, colOffsets;

    /// <summary>C (m x n) = [C +] op(A) op(B) with B gathered from <paramref name="pixels"/> (see the
    /// file header), on the pool or (<paramref name="alone"/>) on the calling thread as
    /// <see cref="RunAlone"/>; offsets already checked to stay inside the image.</summary>
    public void RunGathered(GemmLayout layout, int m, int n, int k, float* a, float* pixels, int* rows,
        int* cols, float* c, bool accumulate, bool alone = false)
    {
        image = pixels;
        rowOffsets = rows;
        colOffsets = cols;
        try
        {
            if (alone) RunAlone(layout, m, n, k, a, null, c, accumulate);
            else Run(layout, m, n, k, a, null, c, accumulate, null, Activation.Identity);
        }
        finally
        {
            image = null;
            rowOffsets = colOffsets = null;
        }
    }

    /// <summary>Gathers one B sliver: depths [p0, p0 + kc) x columns [col, col + cols) of op(B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatherBSliver(float* d, int col, int cols, int p0, int kc)
    {
        // op(B)(p, q) is image[outer[p] + inner[q]]: for B stored k x n (NN, TN) a row offset then a
        // column offset, for NT (B stored n x k) the other way round. Scalar loads: AVX2 gathers
        // measured no faster here.
        int* outer = (layout != GemmLayout.NT ? rowOffsets : colOffsets) + p0;
        int* inner = (layout != GemmLayout.NT ? colOffsets : rowOffsets) + col;
        if (cols == nr && Vector256.IsHardwareAccelerated && Consecutive(inner, nr))
        {
            // One contiguous run per depth (a sliver inside one sample's plane): copied as a stored B is.
            for (int p = 0; p < kc; p++)
            {
                float* src = image + outer[p] + inner[0];
                float* dp = d + p * nr;
                for (int q = 0; q < nr; q += 8) Vector256.Load(src + q).Store(dp + q);
            }
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            float* at = image + outer[p];
            float* dp = d + p * nr;
            int q = 0;
            for (; q < cols; q++) dp[q] = at[inner[q]];
            for (; q < nr; q++) dp[q] = 0;
        }
    }

    private static bool Consecutive(int* offsets, int count)
    {
        for (int q = 1; q < count; q++)
            if (offsets[q] != offsets[0] + q) return false;
        return true;
    }
}
