// The fused ops against float64 and against their two parts: ReparameterizeKl (sampling with the KL term
// and its gradients) and ActivationBackwardColumnSum (dL/d(pre-activation) with the bias gradient). Each
// is defined as its parts run in order, so besides the float64 bounds its outputs must equal the parts'
// outputs on the same backend bit for bit.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    [BackendFact]
    public void ReparameterizeKlMatchesFloat64AndItsParts()
    {
        // cols beyond ReduceThreads (300) make a work-item handle several columns of a row.
        foreach (var (rows, cols) in Few(new[] { (1, 1), (3, 7), (17, 20), (128, 20), (5, 300) }, 3))
        {
            int n = rows * cols;
            ulong seed = Rng.NextUInt64(), stream = Rng.NextUInt64();
            float[] mu = Rng.Uniform(n, -3, 3), logvar = Rng.Uniform(n, -8, 4);
            float gradScale = (float)(0.1 + 2 * Rng.Uniform(1, 0, 1)[0]);
            string what = $"ReparameterizeKl rows={rows} cols={cols} seed={seed} stream={stream}";
            BufferView<float> muView = Put(mu), logvarView = Put(logvar);
            BufferView<float> eps = Output0(n), z = Output0(n), rowLoss = Output0(rows);
            BufferView<float> dmu = Output0(n), dlogvar = Output0(n);
            Acc.ReparameterizeKl(muView, logvarView, rows, cols, eps, z, seed, stream, rowLoss, dmu, dlogvar,
                gradScale);

            Close(eps, PhiloxNormals(n, seed, stream), NormalTolerance, what + " eps");
            float[] e = Get(eps);
            double[] zRef = new double[n], zAtol = new double[n], dmuRef = new double[n];
            double[] dlvRef = new double[n], dlvAtol = new double[n];
            double[] loss = new double[rows], lossAtol = new double[rows];
            for (int row = 0; row < rows; row++)
            {
                double sum = 0, sumAbs = 0, termError = 0;
                for (int col = 0; col < cols; col++)
                {
                    int i = row * cols + col;
                    double m = mu[i], lv = logvar[i], spread = Math.Exp(0.5 * lv) * e[i];
                    zRef[i] = m + spread;
                    zAtol[i] = TranscendentalRtol * (Math.Abs(m) + Math.Abs(spread));
                    double ex = Math.Exp(lv), term = 1 + lv - m * m - ex;
                    sum += term;
                    sumAbs += Math.Abs(term);
                    termError += 4 * U * (1 + Math.Abs(lv) + m * m + ex) + TranscendentalRtol * ex;
                    dmuRef[i] = gradScale * m;
                    dlvRef[i] = gradScale * 0.5 * (ex - 1);
                    dlvAtol[i] = gradScale * 0.5 * (TranscendentalRtol * ex + 2 * U);
                }
                loss[row] = -0.5 * sum;
                lossAtol[row] = 0.5 * (termError + Gamma(cols) * sumAbs);
            }
            Close(z, zRef, zAtol, 0, what + " z");
            Close(rowLoss, loss, lossAtol, 0, what + " loss");
            Close(dmu, dmuRef, new Tolerance(0, 2 * U), what + " dmu");
            Close(dlogvar, dlvRef, dlvAtol, 2 * U, what + " dlogvar");

            BufferView<float> eps2 = Output0(n), z2 = Output0(n), rowLoss2 = Output0(rows);
            BufferView<float> dmu2 = Output0(n), dlogvar2 = Output0(n);
            Acc.ReparameterizeForward(muView, logvarView, eps2, z2, n, seed, stream);
            Acc.KlDivergence(muView, logvarView, rows, cols, rowLoss2, dmu2, dlogvar2, gradScale);
            SameBits(eps, eps2, what + " eps against ReparameterizeForward");
            SameBits(z, z2, what + " z against ReparameterizeForward");
            SameBits(rowLoss, rowLoss2, what + " loss against KlDivergence");
            SameBits(dmu, dmu2, what + " dmu against KlDivergence");
            SameBits(dlogvar, dlogvar2, what + " dlogvar against KlDivergence");
        }
        CheckGuards();
    }

    [BackendTheory]
    [MemberData(nameof(Activations))]
    public void ActivationBackwardColumnSumMatchesFloat64AndItsParts(Activation activation)
    {
        foreach (var (rows, cols) in Few(new[] { (1, 1), (3, 7), (17, 300), (128, 129), (31, 400) }, 3))
        {
            int n = rows * cols;
            float[] y = Array.ConvertAll(Rng.Uniform(n, -6, 6), v => (float)Act(activation, v));
            float[] dy = Rng.Uniform(n, -1, 1), s0 = Rng.Uniform(cols, -1, 1);
            // As ActivationBackward: 1 - y*y and y (1 - y) err by a few ulp of 1, times |dy| <= 1.
            var dxTolerance = new Tolerance(NearZeroAtol, TranscendentalRtol);
            var dxRef = new double[n];
            for (int i = 0; i < n; i++) dxRef[i] = dy[i] * ActDerivative(activation, y[i]);
            foreach (bool accumulate in new[] { false, true })
            {
                foreach (bool inPlace in new[] { false, true })
                {
                    var sumRef = new double[cols];
                    var sumAtol = new double[cols];
                    for (int col = 0; col < cols; col++)
                    {
                        double sum = accumulate ? s0[col] : 0, sumAbs = Math.Abs(sum), termError = 0;
                        for (int row = 0; row < rows; row++)
                        {
                            double term = dxRef[row * cols + col];
                            sum += term;
                            sumAbs += Math.Abs(term);
                            termError += dxTolerance.Atol + dxTolerance.Rtol * Math.Abs(term);
                        }
                        sumRef[col] = sum;
                        sumAtol[col] = termError + Gamma(rows + 1) * sumAbs;
                    }
                    string what = $"ActivationBackwardColumnSum {activation} rows={rows} cols={cols} "
                        + $"accumulate={accumulate} inPlace={inPlace}";
                    BufferView<float> yView = Put(y), dyView = Put(dy);
                    var dx = inPlace ? dyView : Output0(n);
                    var sums = accumulate ? Put(s0) : Output0(cols);
                    Acc.ActivationBackwardColumnSum(activation, yView, dyView, dx, rows, cols, sums,
                        accumulate);
                    Close(dx, dxRef, dxTolerance, what + " dx");
                    Close(sums, sumRef, sumAtol, 0, what + " sums");

                    var dx2 = Output0(n);
                    var sums2 = accumulate ? Put(s0) : Output0(cols);
                    Acc.ActivationBackward(activation, yView, Put(dy), dx2, n);
                    Acc.ColumnSum(dx2, rows, cols, sums2, accumulate);
                    SameBits(dx, dx2, what + " dx against ActivationBackward");
                    SameBits(sums, sums2, what + " sums against ActivationBackward + ColumnSum");
                }
            }
        }
        CheckGuards();
    }

    [BackendFact]
    public void FusedOpsRejectOverlapsAndShortViews()
    {
        var whole = Put(Rng.Uniform(64, -1, 1));
        var other = Put(Rng.Uniform(64, -1, 1));
        // z over mu: the kernel would read mu after another work-item wrote z.
        var overlap = Assert.Throws<ArgumentException>(() => Acc.ReparameterizeKl(whole.Slice(0, 4),
            other.Slice(0, 4), 1, 4, other.Slice(8, 4), whole.Slice(2, 4), 1, 2, other.Slice(16, 1),
            other.Slice(20, 4), other.Slice(24, 4), 1));
        Assert.Contains("z overlaps mu", overlap.Message);
        var shortView = Assert.Throws<ArgumentException>(() => Acc.ReparameterizeKl(whole.Slice(0, 4),
            other.Slice(0, 4), 2, 4, other.Slice(8, 8), whole.Slice(16, 8), 1, 2, other.Slice(16, 2),
            other.Slice(20, 8), other.Slice(28, 8), 1));
        Assert.Contains("mu: view holds 4 elements, 8 needed", shortView.Message);
        var sums = Assert.Throws<ArgumentException>(() => Acc.ActivationBackwardColumnSum(Activation.Relu,
            whole.Slice(0, 8), other.Slice(0, 8), other.Slice(0, 8), 2, 4, other.Slice(6, 4), true));
        Assert.Contains("sums overlaps dx", sums.Message);
        var partial = Assert.Throws<ArgumentException>(() => Acc.ActivationBackwardColumnSum(
            Activation.Relu, whole.Slice(0, 8), other.Slice(0, 8), other.Slice(1, 8), 2, 4,
            other.Slice(40, 4), true));
        Assert.Contains("dx partially overlaps dy", partial.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Acc.ActivationBackwardColumnSum(Activation.Relu,
            whole.Slice(0, 8), other.Slice(0, 8), other.Slice(0, 8), 0, 4, other.Slice(40, 4), true));
        CheckGuards();
    }

    private void SameBits(BufferView<float> actual, BufferView<float> expected, string what) =>
        NumericAssert.Equal<float>(Get(actual), Get(expected), $"{Acc.Kind} {what}", Seed);
}
