// Products with one row, one column or a depth of one (a layer with one output: its forward pass, its
// input gradient and its weight gradient). The packed GEMM pads the thin side to a whole micro-tile, 32
// times the work for one column, so these run as plain loops over the outputs instead, making the same
// sums in the same order: per depth block (CpuGemm.DepthStep) fused multiply-adds in depth order from
// zero, each block's sum added into C, the bias after the last block, then the activation over the same
// groups of eight. So they equal the packed path, and the device GEMMs, bit for bit.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <summary>Thin products take the loops below (tests turn it off to compare with the packed
    /// path).</summary>
    internal bool ThinGemm { get; set; } = true;

    // A product TryThinGemm takes: one row, one column or depth one (unless switched off).
    private bool IsThin(int m, int n, int k) => ThinGemm && (m == 1 || n == 1 || k == 1);

    private bool TryThinGemm(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c,
        bool accumulate, float* bias, Activation activation)
    {
        if (!IsThin(m, n, k)) return false;
        if (k == 1)
        {
            // Every layout stores a depth-1 A as m values and B as n values.
            Dispatch(new OuterWork(a, b, c, n, accumulate, bias, activation), m, 1, n);
            return true;
        }
        // One output per row (n = 1) or per column (m = 1): output e sums x(e, p) y(p) over the depth p.
        bool column = n == 1;
        float* x = column ? a : b, y = column ? b : a;
        long perOutput, perDepth;
        if (column) (perOutput, perDepth) = layout == GemmLayout.TN ? (1L, (long)m) : (k, 1L);
        else (perOutput, perDepth) = layout == GemmLayout.NT ? (k, 1L) : (1L, (long)n);
        var work = new DotWork(x, y, c, k, CpuGemm.DepthStep(k), perOutput, perDepth, accumulate, bias,
            activation, column);
        Dispatch(work, column ? m : n, 64, k);
        return true;
    }

    // Rows [begin, end) of C (rows x n) = a b^T with a depth of one: c = fma(a, b, 0) [+ c] [+ bias].
    private readonly struct OuterWork(float* a, float* b, float* c, int n, bool accumulate, float* bias,
        Activation activation) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int i = begin; i < end; i++)
            {
                float* row = c + (long)i * n;
                var ai = Vector256.Create(a[i]);
                int j = 0;
                for (; j + 8 <= n; j += 8)
                {
                    var v = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b + j), Vector256<float>.Zero);
                    if (accumulate) v += Vector256.Load(row + j);
                    if (bias != null) v += Vector256.Load(bias + j);
                    v.Store(row + j);
                }
                for (; j < n; j++)
                {
                    float v = MathF.FusedMultiplyAdd(a[i], b[j], 0f);
                    if (accumulate) v += row[j];
                    if (bias != null) v += bias[j];
                    row[j] = v;
                }
                if (activation != Activation.Identity) CpuMath.Activate(activation, row, row, n);
            }
        }
    }

    // Outputs [begin, end) of c (stride 1): c[e] = sum over p of x[e * perOutput + p * perDepth] y[p], by
    // depth blocks. Outputs adjacent in x (perOutput 1) share vectors; runs of depths (perDepth 1) are
    // transposed eight by eight into the same lanes; the rest are scalar chains side by side. A column
    // (n = 1) is activated one element at a time, as the packed path's edge tiles are; a row in the same
    // groups of eight.
    private readonly struct DotWork(float* x, float* y, float* c, int k, int depthStep, long perOutput,
        long perDepth, bool accumulate, float* bias, Activation activation, bool column)
        : IRangeWork
    {
        public void Run(int begin, int end)
        {
            int e = begin;
            if (perOutput == 1)
            {
                for (; e + 32 <= end; e += 32) Vectors(e, 4);
                for (; e + 8 <= end; e += 8) Vectors(e, 1);
            }
            else if (perDepth == 1 && Avx.IsSupported)
            {
                for (; e + 8 <= end; e += 8) Transposed(e);
            }
            for (; e + 8 <= end; e += 8) Scalars(e, 8);
            if (e < end) Scalars(e, end - e);
            if (activation == Activation.Identity) return;
            if (!column) CpuMath.Activate(activation, c + begin, c + begin, end - begin);
            else for (int i = begin; i < end; i++) CpuMath.Activate(activation, c + i, c + i, 1);
        }

        // Outputs [e, e + 8 count), count 1 or 4: adjacent in x, so each depth step is a vector load.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Vectors(int e, int count)
        {
            Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
            for (int p0 = 0; p0 < k; p0 += depthStep)
            {
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = p0, stop = Math.Min(k, p0 + depthStep); p < stop; p++)
                {
                    float* xp = x + e + p * perDepth;
                    var yp = Vector256.Create(y[p]);
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Load(xp), yp, s0);
                    if (count == 1) continue;
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Load(xp + 8), yp, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Load(xp + 16), yp, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Load(xp + 24), yp, s3);
                }
                t0 = AddBlock(s0, t0, p0, e);
                if (count == 1) continue;
                t1 = AddBlock(s1, t1, p0, e + 8);
                t2 = AddBlock(s2, t2, p0, e + 16);
                t3 = AddBlock(s3, t3, p0, e + 24);
            }
            Store(e, t0);
            if (count == 1) return;
            Store(e + 8, t1); Store(e + 16, t2); Store(e + 24, t3);
        }

        // Outputs [e, e + 8), each a run of depths in x: eight depths of eight outputs are loaded as rows
        // and transposed, so lane r then runs output r's chain in depth order.
        private void Transposed(int e)
        {
            Vector256<float> total = default;
            float* x0 = x + e * perOutput;
            for (int p0 = 0; p0 < k; p0 += depthStep)
            {
                var sum = Vector256<float>.Zero;
                int p = p0, stop = Math.Min(k, p0 + depthStep);
                for (; p + 8 <= stop; p += 8)
                {
                    float* xp = x0 + p;
                    var r0 = Vector256.Load(xp); var r1 = Vector256.Load(xp + perOutput);
                    var r2 = Vector256.Load(xp + 2 * perOutput); var r3 = Vector256.Load(xp + 3 * perOutput);
                    var r4 = Vector256.Load(xp + 4 * perOutput); var r5 = Vector256.Load(xp + 5 * perOutput);
                    var r6 = Vector256.Load(xp + 6 * perOutput); var r7 = Vector256.Load(xp + 7 * perOutput);
                    CpuMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                    sum = Vector256.FusedMultiplyAdd(r0, Vector256.Create(y[p]), sum);
                    sum = Vector256.FusedMultiplyAdd(r1, Vector256.Create(y[p + 1]), sum);
                    sum = Vector256.FusedMultiplyAdd(r2, Vector256.Create(y[p + 2]), sum);
                    sum = Vector256.FusedMultiplyAdd(r3, Vector256.Create(y[p + 3]), sum);
                    sum = Vector256.FusedMultiplyAdd(r4, Vector256.Create(y[p + 4]), sum);
                    sum = Vector256.FusedMultiplyAdd(r5, Vector256.Create(y[p + 5]), sum);
                    sum = Vector256.FusedMultiplyAdd(r6, Vector256.Create(y[p + 6]), sum);
                    sum = Vector256.FusedMultiplyAdd(r7, Vector256.Create(y[p + 7]), sum);
                }
                for (; p < stop; p++)
                {
                    float* xp = x0 + p;
                    var column = Vector256.Create(xp[0], xp[perOutput], xp[2 * perOutput], xp[3 * perOutput],
                        xp[4 * perOutput], xp[5 * perOutput], xp[6 * perOutput], xp[7 * perOutput]);
                    sum = Vector256.FusedMultiplyAdd(column, Vector256.Create(y[p]), sum);
                }
                total = AddBlock(sum, total, p0, e);
            }
            Store(e, total);
        }

        // The running total of outputs [e, e + 8) after the depth block starting at p0 with sum `sum`:
        // the first block's sum alone, or added to C's values (accumulating) or to the blocks before.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<float> AddBlock(Vector256<float> sum, Vector256<float> total, int p0, int e) =>
            p0 != 0 ? sum + total : accumulate ? sum + Vector256.Load(c + e) : sum;

        // c[e..e+8) = total [+ bias]: a column's one bias, or a row's bias per output.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int e, Vector256<float> total)
        {
            if (bias != null) total += column ? Vector256.Create(bias[0]) : Vector256.Load(bias + e);
            total.Store(c + e);
        }

        // Outputs [e, e + count), count <= 8, as independent scalar chains.
        private void Scalars(int e, int count)
        {
            var sums = stackalloc float[8];
            var totals = stackalloc float[8];
            for (int r = 0; r < count; r++) totals[r] = accumulate ? c[e + r] : 0f;
            for (int p0 = 0; p0 < k; p0 += depthStep)
            {
                for (int r = 0; r < 8; r++) sums[r] = 0f;
                float* x0 = x + e * perOutput;
                for (int p = p0, stop = Math.Min(k, p0 + depthStep); p < stop; p++)
                {
                    float yp = y[p];
                    float* xp = x0 + p * perDepth;
                    for (int r = 0; r < count; r++)
                        sums[r] = MathF.FusedMultiplyAdd(xp[r * perOutput], yp, sums[r]);
                }
                for (int r = 0; r < count; r++)
                    totals[r] = p0 == 0 && !accumulate ? sums[r] : sums[r] + totals[r];
            }
            for (int r = 0; r < count; r++)
                c[e + r] = bias != null ? totals[r] + bias[column ? 0 : e + r] : totals[r];
        }
    }
}
