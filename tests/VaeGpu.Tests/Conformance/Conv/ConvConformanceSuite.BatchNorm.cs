// Batch norm (1-D over features: spatial 1; 2-D over channels) in training and eval mode against
// float64: y, the saved statistics, the running estimates (unbiased variance, momentum 0.1), and the
// backward's dx, dgamma and dbeta (accumulated). Bounds allow the statistics to be summed in float32
// in any order (gamma_M) plus a few roundings per element, relative to the magnitudes involved.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance.Conv;

public abstract partial class ConvConformanceSuite
{
    private static readonly (int Batch, int Channels, int Spatial)[] NormCases =
        [(2, 1, 1), (1, 3, 7), (3, 5, 1), (2, 3, 35), (17, 9, 1), (4, 32, 49), (1, 1, 31)];

    [BackendTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormMatchesFloat64(bool training)
    {
        const float Momentum = 0.1f, Eps = 1e-5f;
        foreach (var (batch, channels, spatial) in NormCases.Where(c => !SmallSizes || c.Channels < 32))
        {
            int size = batch * channels * spatial;
            long count = (long)batch * spatial;
            float[] x = Rng.Uniform(size, -2, 3), dy = Rng.Uniform(size, -1, 1);
            float[] gamma = Rng.Uniform(channels, 0.5f, 1.5f), beta = Rng.Uniform(channels, -1, 1);
            float[] runMean = Rng.Uniform(channels, -1, 1), runVar = Rng.Uniform(channels, 0.5f, 2);
            float[] dgamma0 = Rng.Uniform(channels, -1, 1), dbeta0 = Rng.Uniform(channels, -1, 1);
            var (y, mean, invStd, rm, rv) = ConvReference.BatchNormForward(training, batch, channels, spatial,
                x, gamma, beta, runMean, runVar, Momentum, Eps);
            string what = $"training={training} batch={batch} channels={channels} spatial={spatial}";

            BufferView<float> xv = Put(x), gv = Put(gamma), bv = Put(beta), rmv = Put(runMean), rvv =
                Put(runVar);
            BufferView<float> sm = Output0(channels), si = Output0(channels), yv = Output0(size);
            Acc.BatchNormForward(training, batch, channels, spatial, xv, gv, bv, rmv, rvv, sm, si, yv,
                Momentum, Eps);
            double statRel = 16 * U + 2 * Gamma(count);
            var yAtol = new double[size];
            for (int c = 0; c < channels; c++)
                foreach (int i in ConvReference.Indices(batch, channels, spatial, c))
                    yAtol[i] = statRel * ((Math.Abs(x[i]) + Math.Abs(mean[c])) * invStd[c] * gamma[c]
                        + Math.Abs(beta[c]));
            Close(yv, y, yAtol, 0, $"BatchNormForward y {what}");
            Close(sm, mean, Array.ConvertAll(mean, m => statRel * (Math.Abs(m) + 3)), 0,
                $"saved mean {what}");
            Close(si, invStd, Array.ConvertAll(invStd, s => statRel * 4 * s), 0, $"saved 1/std {what}");
            Close(rmv, rm, Array.ConvertAll(rm, m => statRel * (Math.Abs(m) + 3)), 0, $"running mean {what}");
            Close(rvv, rv, Array.ConvertAll(rv, v => statRel * 4 * (Math.Abs(v) + 3)), 0,
                $"running var {what}");

            var (dx, dgamma, dbeta) = ConvReference.BatchNormBackward(training, batch, channels,
                spatial, x, dy,
                gamma, mean, invStd, dgamma0, dbeta0);
            BufferView<float> dxv = Output0(size), dgv = Put(dgamma0), dbv = Put(dbeta0);
            Acc.BatchNormBackward(training, batch, channels, spatial, xv, Put(dy), gv, sm, si, dxv, dgv, dbv);
            var dxAtol = new double[size];
            var sumAtol = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                double scale = gamma[c] * invStd[c], absDy = 0, absDyXhat = 0;
                foreach (int i in ConvReference.Indices(batch, channels, spatial, c))
                {
                    absDy += Math.Abs(dy[i]);
                    absDyXhat += Math.Abs(dy[i] * (x[i] - mean[c]) * invStd[c]);
                }
                foreach (int i in ConvReference.Indices(batch, channels, spatial, c))
                {
                    double xhat = Math.Abs(x[i] - mean[c]) * invStd[c] + Math.Abs(mean[c]) * invStd[c];
                    dxAtol[i] = 4 * statRel * scale * (Math.Abs(dy[i]) + absDy / count
                        + (xhat + 1) * absDyXhat / count);
                }
                sumAtol[c] =
                    4 * statRel * (absDy + absDyXhat + Math.Abs(dgamma0[c]) + Math.Abs(dbeta0[c]) + 1);
            }
            Close(dxv, dx, dxAtol, 0, $"BatchNormBackward dx {what}");
            Close(dgv, dgamma, sumAtol, 0, $"BatchNormBackward dgamma {what}");
            Close(dbv, dbeta, sumAtol, 0, $"BatchNormBackward dbeta {what}");
        }
        CheckGuards();
    }

    [BackendFact]
    public void BatchNormRejectsOneValuePerChannelInTraining()
    {
        float[] one = Rng.Uniform(3, -1, 1);
        BufferView<float> v = Put(one), g = Put(one), b = Put(one), rm = Put(one), rv = Put(one);
        BufferView<float> sm = Put(one), si = Put(one), y = Output0(3);
        Assert.Throws<ArgumentException>(() => Acc.BatchNormForward(true, 1, 3, 1, v, g, b, rm, rv, sm,
            si, y));
        Acc.BatchNormForward(false, 1, 3, 1, v, g, b, rm, rv, sm, si, y); // eval mode is fine with one sample
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Acc.BatchNormForward(false, 1, 3, 1, v, g, b, rm, rv, sm, si, y, momentum: 2f));
    }
}
