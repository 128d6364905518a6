// Plain float64 versions of everything the layers compute, written independently of the library
// (loops over arrays, no device), for the gradient checks: forward passes, losses and a
// tolerance check that prints the first bad values, the max difference and its index.
using System.Text;
using VaeGpu.Kernels;
using VaeGpu.Layers;

namespace VaeGpu.Tests.Layers;

internal static class Float64Reference
{
    /// <summary>d loss / d v[i] by (loss(v + h e_i) - loss(v - h e_i)) / 2h in float64.</summary>
    public static double CentralDifference(double[] v, int i, Func<double[], double> loss, double h)
    {
        var plus = (double[])v.Clone(); plus[i] += h;
        var minus = (double[])v.Clone(); minus[i] -= h;
        return (loss(plus) - loss(minus)) / (2 * h);
    }

    /// <summary>
    /// A gradient check: <paramref name="grads"/> at <paramref name="indices"/> against a float64
    /// reference, with the result logged to <paramref name="output"/>. The reference is the central
    /// difference at <paramref name="h"/> for each index, except where it misses the gradient and the
    /// difference at h/10 differs from it beyond the tolerance: there a (Leaky)ReLU or max-pool kink lies
    /// within h of the parameter, the step straddles it and the reference itself moves with the step
    /// (DcganStepTests seed 5446004: 19 G gradients), so the smaller step, nearer the derivative at the
    /// point, is the reference; and again at h/100 if h/10 still differs from h/10's reference (seed
    /// 2036950979: 10 G gradients with kinks between h/100 and h/10, where h/100 gives the float32
    /// gradients to six digits). Where two successive steps agree a mismatch stays one. The absolute
    /// tolerance <paramref name="atol"/> holds for gradients of 0.01 and more; where the largest reference
    /// gradient is smaller it shrinks in proportion, so a check of small gradients (a GAN's G seen through a
    /// random D's LeakyReLU slopes of 0.01: seed 1110457242 gives G gradients of 1e-5) still compares digits
    /// and not noise. Fails when every reference gradient is below 1e-7 (nothing to check).
    /// </summary>
    public static void CheckGradients(Xunit.Abstractions.ITestOutputHelper output, string what, double[] p,
        IReadOnlyList<int> indices, float[] grads, Func<double[], double> loss, double h, double atol,
        double rtol, string context)
    {
        var actual = indices.Select(i => grads[i]).ToArray();
        var expected = indices.Select(i => CentralDifference(p, i, loss, h)).ToArray();
        double largest = expected.Max(Math.Abs);
        if (largest < 1e-7)
            throw new Xunit.Sdk.XunitException(
                $"{what}: every reference gradient is below 1e-7 (largest {largest:G3}): nothing to check; "
                + context);
        atol *= Math.Min(1, largest / 1e-2);
        for (int k = 0; k < indices.Count; k++)
        {
            if (Math.Abs(actual[k] - expected[k]) <= atol + rtol * Math.Abs(expected[k])) continue;
            // Step down while the step still moves the difference (at most to h/100).
            foreach (double divisor in new[] { 10.0, 100.0 })
            {
                double finer = CentralDifference(p, indices[k], loss, h / divisor);
                if (Math.Abs(finer - expected[k]) <= atol + rtol * Math.Abs(finer)) break;
                expected[k] = finer;
            }
        }
        AssertClose(what, actual, expected, atol, rtol, context, indices);
        output.WriteLine($"{what}: {indices.Count} gradients, largest {largest:G3}, atol {atol:G3}, "
            + $"worst error / tolerance {WorstRatio(actual, expected, atol, rtol):F4}");
    }

    public static double Act(Activation activation, double x) => activation switch
    {
        Activation.Relu => x > 0 ? x : 0,
        Activation.LeakyRelu => x > 0 ? x : 0.01 * x,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => x,
    };

    /// <summary>
    /// y (B, out) = act(x (B, in) W^T + b) with W [out, in] at w[wOffset..], b at p[bOffset..].
    /// </summary>
    public static double[] LinearForward(double[] x, int batch, int inSize, int outSize, double[] p,
        int wOffset, int bOffset, Activation activation)
    {
        var y = new double[batch * outSize];
        for (int row = 0; row < batch; row++)
            for (int o = 0; o < outSize; o++)
            {
                double sum = p[bOffset + o];
                for (int i = 0; i < inSize; i++) sum += x[row * inSize + i] * p[wOffset + o * inSize + i];
                y[row * outSize + o] = Act(activation, sum);
            }
        return y;
    }

    public static double[] Concat(double[] a, int aCols, double[] b, int bCols, int rows)
    {
        var result = new double[rows * (aCols + bCols)];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(a, r * aCols, result, r * (aCols + bCols), aCols);
            Array.Copy(b, r * bCols, result, r * (aCols + bCols) + aCols, bCols);
        }
        return result;
    }

    /// <summary>Per-image reconstruction loss of logits against targets.</summary>
    public static double[] Recon(ReconstructionLoss loss, double[] logits, double[] x, int batch, int cols)
    {
        var rows = new double[batch];
        for (int r = 0; r < batch; r++)
            for (int c = 0; c < cols; c++)
            {
                double l = logits[r * cols + c], t = x[r * cols + c];
                if (loss == ReconstructionLoss.Bce)
                {
                    double s = 1 / (1 + Math.Exp(-l));
                    rows[r] -= t * Math.Log(s) + (1 - t) * Math.Log(1 - s);
                }
                else
                {
                    double d = 1 / (1 + Math.Exp(-l)) - t;
                    rows[r] += d * d;
                }
            }
        return rows;
    }

    /// <summary>Per-image KL(N(mu, exp(logvar)) || N(0, I)).</summary>
    public static double[] Kl(double[] mu, double[] logvar, int batch, int latent)
    {
        var rows = new double[batch];
        for (int r = 0; r < batch; r++)
            for (int c = 0; c < latent; c++)
            {
                double m = mu[r * latent + c], lv = logvar[r * latent + c];
                rows[r] += -0.5 * (1 + lv - m * m - Math.Exp(lv));
            }
        return rows;
    }

    /// <summary>
    /// The model's loss in float64, from the names of its parameter table: returns per-image recon and KL.
    /// eps is used for a variational model (z = mu + exp(logvar / 2) eps); labels only for a cvae.
    /// </summary>
    public static (double[] Recon, double[] Kl) ModelLoss(ModelConfig config,
        IReadOnlyList<ParameterInfo> table,
        double[] p, double[] x, double[] labels, double[] eps, int batch)
    {
        var (mu, logvar) = Encode(config, table, p, x, labels, batch);
        var z = mu;
        double[] kl = new double[batch];
        if (config.Kind != ModelKind.Ae)
        {
            z = new double[mu.Length];
            for (int i = 0; i < z.Length; i++) z[i] = mu[i] + Math.Exp(0.5 * logvar![i]) * eps[i];
            kl = Kl(mu, logvar!, batch, config.Latent);
        }
        var logits = Decode(config, table, p, z, labels, batch);
        return (Recon(config.Recon, logits, x, batch, config.InputDim), kl);
    }

    /// <summary>Encoder in float64: mu (B, L) and logvar (B, L; null for ae).</summary>
    public static (double[] Mu, double[]? Logvar) Encode(ModelConfig config,
        IReadOnlyList<ParameterInfo> table,
        double[] p, double[] x, double[] labels, int batch)
    {
        int c = config.Kind == ModelKind.Cvae ? config.Classes : 0;
        var h = c > 0 ? Concat(x, config.InputDim, labels, c, batch) : x;
        int width = config.InputDim + c;
        for (int i = 0; i < config.Encoder.Length; i++)
        {
            h = Dense(table, p, h, batch, width, $"encoder.layers.{i}", config.Encoder[i], config.Activation);
            width = config.Encoder[i];
        }
        var mu = Dense(table, p, h, batch, width, "encoder.mu", config.Latent, Activation.Identity);
        var logvar = config.Kind == ModelKind.Ae
            ? null
            : Dense(table, p, h, batch, width, "encoder.logvar", config.Latent, Activation.Identity);
        return (mu, logvar);
    }

    /// <summary>Decoder in float64: logits (B, D) from z (B, L) [+ labels].</summary>
    public static double[] Decode(ModelConfig config, IReadOnlyList<ParameterInfo> table, double[] p,
        double[] z, double[] labels, int batch)
    {
        int c = config.Kind == ModelKind.Cvae ? config.Classes : 0;
        var g = c > 0 ? Concat(z, config.Latent, labels, c, batch) : z;
        int width = config.Latent + c;
        for (int i = 0; i < config.Decoder.Length; i++)
        {
            g = Dense(table, p, g, batch, width, $"decoder.layers.{i}", config.Decoder[i], config.Activation);
            width = config.Decoder[i];
        }
        return Dense(table, p, g, batch, width, "decoder.out", config.InputDim, Activation.Identity);
    }

    private static double[] Dense(IReadOnlyList<ParameterInfo> table, double[] p, double[] input, int batch,
        int inSize, string name, int outSize, Activation activation)
    {
        int weight = table.Single(t => t.Name == name + ".weight").Offset;
        int bias = table.Single(t => t.Name == name + ".bias").Offset;
        return LinearForward(input, batch, inSize, outSize, p, weight, bias, activation);
    }

    /// <summary>
    /// Fails with the first bad values, the max difference and its index unless |a - r| &lt;= atol + rtol
    /// |r|.
    /// </summary>
    public static void AssertClose(string what, IReadOnlyList<float> actual, IReadOnlyList<double> expected,
        double atol, double rtol, string context, IReadOnlyList<int>? indices = null)
    {
        Assert.Equal(expected.Count, actual.Count);
        var bad = new StringBuilder();
        int badCount = 0, maxIndex = -1;
        double maxDiff = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            bool ok = diff <= atol + rtol * Math.Abs(expected[i]) && !double.IsNaN(actual[i]);
            if (diff > maxDiff || double.IsNaN(diff)) { maxDiff = diff; maxIndex = i; }
            if (!ok && badCount++ < 5)
                bad.Append($"  [{(indices is null ? i : indices[i])}] got {actual[i]:R}, "
                    + $"expected {expected[i]:R}, diff {diff:E3}\n");
        }
        if (badCount > 0)
            Assert.Fail($"{what}: {badCount} of {actual.Count} values outside atol {atol} + rtol {rtol}; "
                + $"max diff {maxDiff:E3} at {(indices is null ? maxIndex : indices[maxIndex])} "
                + $"({context})\n{bad}");
    }

    /// <summary>Max |a - r| / (atol + rtol |r|), for printing how much margin a check has.</summary>
    public static double WorstRatio(IReadOnlyList<float> actual, IReadOnlyList<double> expected,
        double atol, double rtol)
    {
        double worst = 0;
        for (int i = 0; i < actual.Count; i++)
            worst = Math.Max(worst,
                Math.Abs(actual[i] - expected[i]) / (atol + rtol * Math.Abs(expected[i])));
        return worst;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    public static float[] RandomFloats(System.Random random, int n, double low, double high)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }
}
