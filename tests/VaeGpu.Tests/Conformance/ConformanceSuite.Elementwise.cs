// Element-wise ops against float64: activations forward and backward (also in place), the Philox
// normal fill (eps must match Random.Philox, the host definition every backend follows) and the
// reparameterization trick forward and backward (whose gradients accumulate).
using VaeGpu.Kernels;
using VaeGpu.Kernels.Random;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    /// <summary>
    /// eps against Philox.Normal (float32 on the host): r = sqrt(-2 ln u1) reaches 5.8 and goes through
    /// log, sqrt and cos/sin, each a few ulp on a device, so 4e-6 absolute plus the transcendental rtol.
    /// </summary>
    private static readonly Tolerance NormalTolerance = new(4e-6, TranscendentalRtol);

    [BackendTheory]
    [MemberData(nameof(Activations))]
    public void ActivationForwardMatchesFloat64(Activation activation)
    {
        foreach (int n in AwkwardSizes)
        {
            float[] x = Rng.Uniform(n, -6, 6);
            var expected = Array.ConvertAll(x, v => Act(activation, v));
            var tolerance = new Tolerance(NearZeroAtol, TranscendentalRtol);
            var y = Output0(n);
            Acc.ActivationForward(activation, Put(x), y, n);
            Close(y, expected, tolerance, $"ActivationForward {activation} n={n}");
            var inPlace = Put(x);
            Acc.ActivationForward(activation, inPlace, inPlace, n);
            Close(inPlace, expected, tolerance, $"ActivationForward in place {activation} n={n}");
        }
        CheckGuards();
    }

    [BackendTheory]
    [MemberData(nameof(Activations))]
    public void ActivationBackwardMatchesFloat64(Activation activation)
    {
        foreach (int n in AwkwardSizes)
        {
            // y is a genuine output of the activation (so it lies in its range), dy anything.
            float[] y = Array.ConvertAll(Rng.Uniform(n, -6, 6), v => (float)Act(activation, v));
            float[] dy = Rng.Uniform(n, -1, 1);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = dy[i] * ActDerivative(activation, y[i]);
            // 1 - y*y and y (1 - y) cancel near |y| = 1: their error is a few ulp of 1, times |dy| <= 1.
            var tolerance = new Tolerance(NearZeroAtol, TranscendentalRtol);
            var dx = Output0(n);
            Acc.ActivationBackward(activation, Put(y), Put(dy), dx, n);
            Close(dx, expected, tolerance, $"ActivationBackward {activation} n={n}");
            var inPlace = Put(dy);
            Acc.ActivationBackward(activation, Put(y), inPlace, inPlace, n);
            Close(inPlace, expected, tolerance, $"ActivationBackward in place {activation} n={n}");
        }
        CheckGuards();
    }

    private double[] PhiloxNormals(int n, ulong seed, ulong stream)
    {
        var expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = Philox.Normal(seed, stream, i);
        return expected;
    }

    [BackendFact]
    public void FillNormalFollowsPhilox()
    {
        foreach (int n in AwkwardSizes.Append(65_537))
        {
            ulong seed = Rng.NextUInt64(), stream = Rng.NextUInt64();
            var destination = Output0(n);
            Acc.FillNormal(destination, n, seed, stream);
            Close(destination, PhiloxNormals(n, seed, stream), NormalTolerance,
                $"FillNormal n={n} seed={seed} stream={stream}");
        }
        CheckGuards();
    }

    [BackendFact]
    public void ReparameterizeForwardFollowsPhiloxAndTheFormula()
    {
        foreach (int n in AwkwardSizes)
        {
            ulong seed = Rng.NextUInt64(), stream = Rng.NextUInt64();
            float[] mu = Rng.Uniform(n, -3, 3), logvar = Rng.Uniform(n, -8, 4);
            BufferView<float> eps = Output0(n), z = Output0(n);
            Acc.ReparameterizeForward(Put(mu), Put(logvar), eps, z, n, seed, stream);
            string what = $"ReparameterizeForward n={n} seed={seed} stream={stream}";
            Close(eps, PhiloxNormals(n, seed, stream), NormalTolerance, what + " eps");
            // z from the device's own eps, in float64; the bound scales with both parts since they may
            // cancel.
            float[] e = Get(eps);
            var expected = new double[n];
            var atol = new double[n];
            for (int i = 0; i < n; i++)
            {
                double spread = Math.Exp(0.5 * logvar[i]) * e[i];
                expected[i] = mu[i] + spread;
                atol[i] = TranscendentalRtol * (Math.Abs(mu[i]) + Math.Abs(spread));
            }
            Close(z, expected, atol, 0, what + " z");
        }
        CheckGuards();
    }

    [BackendFact]
    public void ReparameterizeBackwardAccumulates()
    {
        foreach (int n in AwkwardSizes)
        {
            float[] dz = Rng.Uniform(n, -1, 1), eps = Rng.Uniform(n, -3, 3), logvar = Rng.Uniform(n, -8, 4);
            float[] dmu0 = Rng.Uniform(n, -1, 1), dlogvar0 = Rng.Uniform(n, -1, 1);
            var expectedMu = new double[n];
            var expectedLv = new double[n];
            var atolMu = new double[n];
            var atolLv = new double[n];
            for (int i = 0; i < n; i++)
            {
                double step = 0.5 * dz[i] * eps[i] * Math.Exp(0.5 * logvar[i]);
                expectedMu[i] = dmu0[i] + dz[i];
                expectedLv[i] = dlogvar0[i] + step;
                atolMu[i] = U * (Math.Abs(dmu0[i]) + Math.Abs(dz[i]));
                atolLv[i] = TranscendentalRtol * (Math.Abs(dlogvar0[i]) + Math.Abs(step));
            }
            BufferView<float> dmu = Put(dmu0), dlogvar = Put(dlogvar0);
            Acc.ReparameterizeBackward(Put(dz), Put(eps), Put(logvar), dmu, dlogvar, n);
            Close(dmu, expectedMu, atolMu, 0, $"ReparameterizeBackward dmu (+=) n={n}");
            Close(dlogvar, expectedLv, atolLv, 0, $"ReparameterizeBackward dlogvar (+=) n={n}");
        }
        CheckGuards();
    }
}
