// GEMM and column sums against float64. The random-input tests allow the worst-case rounding error of
// a k-term float32 sum in any order (gamma_k times the sum of |terms|), so any blocking or FMA use
// passes while a wrong or missing term does not. The grid tests use inputs whose products and sums
// are exact in float32 in any order, so there the result must be exact.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    /// <summary>Shapes (m, n, k) for the full layout x accumulate x bias x activation matrix.</summary>
    private static readonly (int M, int N, int K)[] GemmShapes =
        [(1, 1, 1), (1, 7, 3), (3, 1, 17), (7, 17, 1), (17, 31, 7), (31, 17, 129), (3, 7, 400), (5, 3, 784)];

    /// <summary>op(A) as m x k and op(B) as n x k, in float64: the reference reads both along k.</summary>
    private static (double[] A, double[] Bt) Canonical(GemmLayout layout, int m, int n, int k, float[] a,
        float[] b)
    {
        var ac = new double[m * k];
        var bt = new double[n * k];
        for (int row = 0; row < m; row++)
            for (int i = 0; i < k; i++)
                ac[row * k + i] = layout == GemmLayout.TN ? a[i * m + row] : a[row * k + i];
        for (int col = 0; col < n; col++)
            for (int i = 0; i < k; i++)
                bt[col * k + i] = layout == GemmLayout.NT ? b[col * k + i] : b[i * n + col];
        return (ac, bt);
    }

    /// <summary>Float64 GEMM and, per element, the worst-case float32 rounding bound of a result.</summary>
    private static (double[] Expected, double[] Atol) GemmReference(GemmLayout layout, int m, int n, int k,
        float[] a, float[] b, float[]? c0, float[]? bias, Activation activation)
    {
        var (ac, bt) = Canonical(layout, m, n, k, a, b);
        var expected = new double[m * n];
        var atol = new double[m * n];
        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                double sum = 0, sumAbs = 0;
                var ar = ac.AsSpan(row * k, k);
                var bc = bt.AsSpan(col * k, k);
                for (int i = 0; i < k; i++)
                {
                    double term = ar[i] * bc[i];
                    sum += term;
                    sumAbs += Math.Abs(term);
                }
                if (c0 is not null) { sum += c0[row * n + col]; sumAbs += Math.Abs(c0[row * n + col]); }
                if (bias is not null) { sum += bias[col]; sumAbs += Math.Abs(bias[col]); }
                double y = Act(activation, sum);
                expected[row * n + col] = y;
                // Every activation here is 1-Lipschitz, so the sum's bound carries through; then the
                // activation's own rounding.
                atol[row * n + col] = Gamma(k + 2) * sumAbs + NearZeroAtol + TranscendentalRtol * Math.Abs(y);
            }
        }
        return (expected, atol);
    }

    private void RunGemm(GemmLayout layout, int m, int n, int k, bool accumulate, bool useBias,
        Activation activation)
    {
        float[] a = Rng.Uniform(m * k, -1, 1), b = Rng.Uniform(k * n, -1, 1);
        float[] c0 = Rng.Uniform(m * n, -1, 1), bias = Rng.Uniform(n, -1, 1);
        var (expected, atol) = GemmReference(layout, m, n, k, a, b, accumulate ? c0 : null,
            useBias ? bias : null,
            activation);
        // Without accumulate C is write-only: NaN there must not leak into the result (no 0 * C).
        var c = accumulate ? Put(c0) : Output0(m * n);
        Acc.Gemm(layout, m, n, k, Put(a), Put(b), c, accumulate, useBias ? Put(bias) : default, activation);
        Close(c, expected, atol, 0,
            $"Gemm {layout} m={m} n={n} k={k} accumulate={accumulate} bias={useBias} {activation}");
    }

    [BackendTheory]
    [MemberData(nameof(Layouts))]
    public void GemmMatchesFloat64OnAwkwardShapes(GemmLayout layout)
    {
        foreach (var (m, n, k) in Few(GemmShapes, 2))
            foreach (bool accumulate in new[] { false, true })
                foreach (bool useBias in new[] { false, true })
                    foreach (var activation in Few(Enum.GetValues<Activation>(), 2))
                        RunGemm(layout, m, n, k, accumulate, useBias, activation);
        CheckGuards();
    }

    [BackendFact]
    public void GemmMatchesFloat64OnVaeShapes()
    {
        // Encoder forward X (128 x 784) W^T; decoder backward dY W; weight gradient dY^T X (accumulating).
        var shapes = new (GemmLayout Layout, int M, int N, int K, bool Accumulate, bool Bias,
            Activation Act)[]
        {
            (GemmLayout.NT, 128, 400, 784, false, true, Activation.Relu),
            (GemmLayout.NN, 128, 784, 400, false, false, Activation.Identity),
            (GemmLayout.TN, 400, 784, 128, true, false, Activation.Identity),
            (GemmLayout.NT, 128, 20, 400, false, true, Activation.Identity),
        };
        foreach (var s in Few(shapes, 1)) RunGemm(s.Layout, s.M, s.N, s.K, s.Accumulate, s.Bias, s.Act);
        CheckGuards();
    }

    [BackendTheory]
    [MemberData(nameof(Layouts))]
    public void GemmIsExactOnGridInputs(GemmLayout layout)
    {
        // a, b, bias, C are j/16 with |j| <= 16: every product is a multiple of 2^-8 of size <= 1 and every
        // partial sum of up to 2^10 of them fits in 18 bits, so any summation order is exact.
        foreach (var (m, n, k) in Few(new[] { (1, 1, 784), (7, 129, 400), (33, 17, 784), (64, 65, 31) }, 2))
        {
            float[] a = Rng.Grid(m * k, 16, 16), b = Rng.Grid(k * n, 16, 16);
            float[] c0 = Rng.Grid(m * n, 16, 16), bias = Rng.Grid(n, 16, 16);
            foreach (var activation in new[] { Activation.Identity, Activation.Relu })
            {
                var (expected, _) = GemmReference(layout, m, n, k, a, b, c0, bias, activation);
                var c = Put(c0);
                Acc.Gemm(layout, m, n, k, Put(a), Put(b), c, accumulate: true, Put(bias), activation);
                Close(c, expected, Tolerance.Exact, $"Gemm on grid {layout} m={m} n={n} k={k} {activation}");
            }
        }
        CheckGuards();
    }

    [BackendFact]
    public void GemmPairEqualsTwoGemmsBitForBit()
    {
        // A layer's weight and input gradients as Linear's backward pairs them: large enough for the cpu
        // backend to run them side by side (the gan's layers), and small or thin ones it runs in turn.
        var shapes = new (int Batch, int In, int Out)[] { (128, 1024, 784), (256, 256, 256), (37, 300, 129),
            (5, 7, 1), (1, 9, 3) };
        foreach (var (batch, inSize, outSize) in Few(shapes, 2))
        {
            if (SmallSizes && (long)batch * inSize * outSize > 1_000_000) continue;
            float[] dy = Rng.Uniform(batch * outSize, -1, 1), x = Rng.Uniform(batch * inSize, -1, 1);
            float[] w = Rng.Uniform(outSize * inSize, -1, 1);
            float[] dw0 = Rng.Uniform(outSize * inSize, -1, 1), dx0 = Rng.Uniform(batch * inSize, -1, 1);
            BufferView<float> dyv = Put(dy), xv = Put(x), wv = Put(w);
            foreach (bool accumulate in new[] { false, true })
            {
                string what = $"batch={batch} in={inSize} out={outSize} accumulate={accumulate}";
                BufferView<float> dwPair = Put(dw0), dxPair = Put(dx0), dwOne = Put(dw0), dxOne = Put(dx0);
                Acc.GemmPair(GemmLayout.TN, outSize, inSize, batch, dyv, xv, dwPair, accumulate,
                    GemmLayout.NN, batch, inSize, outSize, dyv, wv, dxPair, accumulate);
                Acc.Gemm(GemmLayout.TN, outSize, inSize, batch, dyv, xv, dwOne, accumulate);
                Acc.Gemm(GemmLayout.NN, batch, inSize, outSize, dyv, wv, dxOne, accumulate);
                Assert.True(Get(dwPair).SequenceEqual(Get(dwOne)), $"GemmPair weight gradient, {what}");
                Assert.True(Get(dxPair).SequenceEqual(Get(dxOne)), $"GemmPair input gradient, {what}");
                var (expected, atol) = GemmReference(GemmLayout.NN, batch, inSize, outSize, dy, w,
                    accumulate ? dx0 : null, null, Activation.Identity);
                Close(dxPair, expected, atol, 0, $"GemmPair input gradient against float64, {what}");
            }
        }
        CheckGuards();
    }

    [BackendFact]
    public void ColumnSumAssignsAndAccumulates()
    {
        foreach (int rows in Few(AwkwardSizes, 3))
        {
            foreach (int cols in new[] { 1, 7, 129, 784 })
            {
                if ((long)rows * cols > 200_000) continue;
                float[] x = Rng.Uniform(rows * cols, -2, 2), s0 = Rng.Uniform(cols, -1, 1);
                foreach (bool accumulate in new[] { false, true })
                {
                    var expected = new double[cols];
                    var atol = new double[cols];
                    for (int col = 0; col < cols; col++)
                    {
                        double sum = accumulate ? s0[col] : 0, sumAbs = Math.Abs(sum);
                        for (int row = 0; row < rows; row++)
                        {
                            sum += x[row * cols + col];
                            sumAbs += Math.Abs(x[row * cols + col]);
                        }
                        expected[col] = sum;
                        atol[col] = Gamma(rows + 1) * sumAbs;
                    }
                    var sums = accumulate ? Put(s0) : Output0(cols);
                    Acc.ColumnSum(Put(x), rows, cols, sums, accumulate);
                    Close(sums, expected, atol, 0,
                        $"ColumnSum rows={rows} cols={cols} accumulate={accumulate}");
                }
            }
        }
        CheckGuards();
    }
}
