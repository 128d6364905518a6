// Losses and reductions against float64: BCE on logits (stable and finite at |logit| = 80), MSE on
// sigmoid, Gaussian KL with and without gradients, and the fixed-order SumInto. Row losses are sums
// over columns, so they get gamma_cols times the sum of |terms| plus each term's own rounding; the
// gradients are element-wise. Gradient outputs start as NaN: they are assigned, never read.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    /// <summary>(rows, cols) for the losses: single elements, primes, a VAE batch of MNIST images.</summary>
    private static readonly (int Rows, int Cols)[] LossShapes = [(1, 1), (3, 7), (17, 1), (1, 784), (7, 129),
        (128, 784)];

    /// <summary>Logits in [-8, 8], one in eight at +-20 or +-80 where a naive formula overflows.</summary>
    private float[] Logits(int n)
    {
        float[] logits = Rng.Uniform(n, -8, 8);
        for (int i = 0; i < n; i++)
        {
            int pick = Rng.Next(0, 16);
            if (pick < 2) logits[i] = pick == 0 ? 80 : -80;
            else if (pick == 2) logits[i] = Rng.Next(0, 2) == 0 ? 20 : -20;
        }
        return logits;
    }

    /// <summary>Targets in [0, 1] with some exact 0s and 1s (binarized pixels).</summary>
    private float[] Targets(int n)
    {
        float[] targets = Rng.Uniform(n, 0, 1);
        for (int i = 0; i < n; i++)
        {
            int pick = Rng.Next(0, 8);
            if (pick < 2) targets[i] = pick;
        }
        return targets;
    }

    [BackendFact]
    public void BceWithLogitsMatchesFloat64AndStaysFinite()
    {
        foreach (var (rows, cols) in Few(LossShapes.Where(s => !SmallSizes || s.Rows <= 17), 3))
        {
            int n = rows * cols;
            float[] logits = Logits(n), targets = Targets(n);
            float gradScale = (float)(0.1 + 2 * Rng.Uniform(1, 0, 1)[0]);
            var loss = new double[rows];
            var lossAtol = new double[rows];
            var grad = new double[n];
            var gradAtol = new double[n];
            for (int row = 0; row < rows; row++)
            {
                double sum = 0, termError = 0;
                for (int col = 0; col < cols; col++)
                {
                    int i = row * cols + col;
                    double l = logits[i], x = targets[i], softplus = Math.Log(1 + Math.Exp(-Math.Abs(l)));
                    double term = Math.Max(l, 0) - l * x + softplus;
                    sum += term;
                    // max(l,0) - l x cancels when x ~ 1: its error is a few ulp of |l|, not of the term.
                    termError += 4 * U * (Math.Max(l, 0) + Math.Abs(l * x)) + NearZeroAtol
                        + TranscendentalRtol * softplus;
                    double sigmoid = 1 / (1 + Math.Exp(-l));
                    grad[i] = gradScale * (sigmoid - x);
                    gradAtol[i] = gradScale * (NearZeroAtol + TranscendentalRtol * sigmoid);
                }
                loss[row] = sum;
                lossAtol[row] = termError + Gamma(cols) * sum;
            }
            string what = $"BceWithLogits rows={rows} cols={cols} gradScale={gradScale}";
            BufferView<float> rowLoss = Output0(rows), dlogits = Output0(n);
            Acc.BceWithLogits(Put(logits), Put(targets), rows, cols, rowLoss, dlogits, gradScale);
            NumericAssert.AllFinite(Get(rowLoss), $"{Acc.Kind} {what} loss", Seed);
            NumericAssert.AllFinite(Get(dlogits), $"{Acc.Kind} {what} dlogits", Seed);
            Close(rowLoss, loss, lossAtol, 0, what + " loss");
            Close(dlogits, grad, gradAtol, 2 * U, what + " dlogits");
            var lossOnly = Output0(rows);
            Acc.BceWithLogits(Put(logits), Put(targets), rows, cols, lossOnly, default, gradScale);
            Close(lossOnly, loss, lossAtol, 0, what + " loss without gradient");
        }
        CheckGuards();
    }

    [BackendFact]
    public void MseOnSigmoidMatchesFloat64()
    {
        foreach (var (rows, cols) in Few(LossShapes.Where(s => !SmallSizes || s.Rows <= 17), 3))
        {
            int n = rows * cols;
            float[] logits = Logits(n), targets = Targets(n);
            float gradScale = (float)(0.1 + 2 * Rng.Uniform(1, 0, 1)[0]);
            var loss = new double[rows];
            var lossAtol = new double[rows];
            var grad = new double[n];
            var gradAtol = new double[n];
            for (int row = 0; row < rows; row++)
            {
                double sum = 0, termError = 0;
                for (int col = 0; col < cols; col++)
                {
                    int i = row * cols + col;
                    double s = 1 / (1 + Math.Exp(-(double)logits[i])), diff = s - targets[i];
                    // The device's sigmoid errs by a few ulp of s (or of 1 near s = 1, via 1 + exp).
                    double sError = TranscendentalRtol * s + NearZeroAtol;
                    sum += diff * diff;
                    termError += 2 * Math.Abs(diff) * sError + 2 * U * diff * diff;
                    grad[i] = gradScale * 2 * diff * s * (1 - s);
                    gradAtol[i] = 2 * gradScale * (sError * (s * (1 - s) + Math.Abs(diff))
                        + Math.Abs(diff) * s * U);
                }
                loss[row] = sum;
                lossAtol[row] = termError + Gamma(cols) * sum;
            }
            string what = $"MseOnSigmoid rows={rows} cols={cols} gradScale={gradScale}";
            BufferView<float> rowLoss = Output0(rows), dlogits = Output0(n);
            Acc.MseOnSigmoid(Put(logits), Put(targets), rows, cols, rowLoss, dlogits, gradScale);
            Close(rowLoss, loss, lossAtol, 0, what + " loss");
            Close(dlogits, grad, gradAtol, 8 * U, what + " dlogits");
            var lossOnly = Output0(rows);
            Acc.MseOnSigmoid(Put(logits), Put(targets), rows, cols, lossOnly, default, gradScale);
            Close(lossOnly, loss, lossAtol, 0, what + " loss without gradient");
        }
        CheckGuards();
    }

    [BackendFact]
    public void KlDivergenceMatchesFloat64WithAndWithoutGradients()
    {
        foreach (var (rows, cols) in Few(new[] { (1, 1), (3, 2), (17, 20), (128, 20), (7, 129) }
                     .Where(s => !SmallSizes || s.Item1 <= 17), 3))
        {
            int n = rows * cols;
            float[] mu = Rng.Uniform(n, -3, 3), logvar = Rng.Uniform(n, -8, 4);
            float gradScale = (float)(0.1 + 2 * Rng.Uniform(1, 0, 1)[0]);
            var loss = new double[rows];
            var lossAtol = new double[rows];
            double[] dmuRef = new double[n], dlvRef = new double[n], dlvAtol = new double[n];
            for (int row = 0; row < rows; row++)
            {
                double sum = 0, sumAbs = 0, termError = 0;
                for (int col = 0; col < cols; col++)
                {
                    int i = row * cols + col;
                    double m = mu[i], lv = logvar[i], e = Math.Exp(lv), term = 1 + lv - m * m - e;
                    sum += term;
                    sumAbs += Math.Abs(term);
                    termError += 4 * U * (1 + Math.Abs(lv) + m * m + e) + TranscendentalRtol * e;
                    dmuRef[i] = gradScale * m;
                    dlvRef[i] = gradScale * 0.5 * (e - 1);
                    dlvAtol[i] = gradScale * 0.5 * (TranscendentalRtol * e + 2 * U);
                }
                loss[row] = -0.5 * sum;
                lossAtol[row] = 0.5 * (termError + Gamma(cols) * sumAbs);
            }
            string what = $"KlDivergence rows={rows} cols={cols} gradScale={gradScale}";
            BufferView<float> rowLoss = Output0(rows), dmu = Output0(n), dlogvar = Output0(n);
            Acc.KlDivergence(Put(mu), Put(logvar), rows, cols, rowLoss, dmu, dlogvar, gradScale);
            Close(rowLoss, loss, lossAtol, 0, what + " loss");
            Close(dmu, dmuRef, new Tolerance(0, 2 * U), what + " dmu");
            Close(dlogvar, dlvRef, dlvAtol, 2 * U, what + " dlogvar");
            var lossOnly = Output0(rows);
            Acc.KlDivergence(Put(mu), Put(logvar), rows, cols, lossOnly, default, default, gradScale);
            Close(lossOnly, loss, lossAtol, 0, what + " loss without gradients");
        }
        CheckGuards();
    }

    [BackendFact]
    public void SumIntoAccumulatesWithinTheFloat32Bound()
    {
        foreach (int n in Few(AwkwardSizes.Concat([4099, 65_536, 100_000]), 4))
        {
            float[] values = Rng.Uniform(n, -1, 1), start = Rng.Uniform(1, -10, 10);
            double sum = 0, sumAbs = 0;
            foreach (float v in values) { sum += v; sumAbs += Math.Abs(v); }
            var accumulator = Put(start);
            BufferView<float> input = Put(values);
            Acc.SumInto(input, n, accumulator);
            // Any summation order of n + 1 terms errs by at most gamma_(n+1) times the sum of |terms|.
            Close(accumulator, [start[0] + sum], [Gamma(n + 1) * (Math.Abs(start[0]) + sumAbs)], 0,
                $"SumInto n={n}");
            Acc.SumInto(input, n, accumulator);
            Close(accumulator, [start[0] + 2 * sum], [Gamma(2 * n + 2) * (Math.Abs(start[0]) + 2 * sumAbs)],
                0,
                $"SumInto twice (+=) n={n}");
        }
        CheckGuards();
    }

    [BackendFact]
    public void SumIntoIsExactOnGridInputs()
    {
        // j/64 with |j| <= 64: every partial sum of up to 10^5 of them is a multiple of 2^-6 below 2^17,
        // 23 bits, so any order is exact and a single dropped or doubled element shows.
        foreach (int n in Few(new[] { 1, 31, 784, 100_000 }, 2))
        {
            float[] values = Rng.Grid(n, 64, 64), start = Rng.Grid(1, 64, 64);
            double sum = start[0];
            foreach (float v in values) sum += v;
            var accumulator = Put(start);
            Acc.SumInto(Put(values), n, accumulator);
            Close(accumulator, [sum], Tolerance.Exact, $"SumInto on grid n={n}");
        }
        CheckGuards();
    }
}
