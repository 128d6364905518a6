// Optimizer updates over several steps against a float64 re-implementation of PyTorch's formulas
// (see OptimizerKind's docs): Adam with bias correction, SGD with momentum, RMSProp, Adagrad. The
// reference carries an error bound per element through the steps.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    /// <summary>
    /// Relative error allowed in one update lr * ratio: Adam's bias corrections 1 - beta^t cancel for small
    /// t, so a 1-ulp pow(beta2, t) is already ~6e-5 of 1 - 0.999^2; square roots and divides add a few ulp.
    /// </summary>
    private const double UpdateRtol = 1e-4;

    /// <summary>Steps taken per run, each with fresh gradients.</summary>
    private const int OptimizerSteps = 5;

    private static OptimizerParams[] OptimizerSettings(OptimizerKind kind, long firstStep) =>
    [
        OptimizerParams.Defaults(kind, 0.01f) with { Step = firstStep },
        // A large epsilon makes its placement (outside the square root, as in PyTorch) visible.
        new(kind, 0.003f, firstStep, Beta1: 0.8f, Beta2: 0.99f, Epsilon: 1e-3f, Momentum: 0.5f, Alpha: 0.9f),
    ];

    [BackendTheory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStepMatchesFloat64OverSeveralSteps(OptimizerKind kind)
    {
        foreach (int n in new[] { 1, 7, 129, 4099 })
        {
            foreach (long firstStep in new long[] { 1, Rng.Next(2, 1000) })
            {
                foreach (var settings in OptimizerSettings(kind, firstStep))
                    RunOptimizer(settings, n);
            }
        }
        CheckGuards();
    }

    private void RunOptimizer(OptimizerParams settings, int n)
    {
        float[] p0 = Rng.Uniform(n, -1, 1), s10 = Rng.Uniform(n, -0.1f, 0.1f), s20 = Rng.Uniform(n, 0, 0.01f);
        if (settings.Kind is OptimizerKind.RmsProp or OptimizerKind.Adagrad) s10 = Rng.Uniform(n, 0, 0.01f);
        double[] p = D(p0), s1 = D(s10), s2 = D(s20);
        double[] pErr = new double[n], s1Err = new double[n], s2Err = new double[n];
        BufferView<float> parameters = Put(p0), state1 = Put(s10);
        // Adam needs state2; the others ignore it, so a NaN-filled one must stay untouched and harmless.
        float[] unused = new float[n];
        Array.Fill(unused, float.NaN);
        BufferView<float> state2 = settings.Kind == OptimizerKind.Adam ? Put(s20) : Put(unused);
        string what = $"OptimizerStep {settings.Kind} n={n} lr={settings.LearningRate} " +
            $"eps={settings.Epsilon} " +
            $"steps {settings.Step}..{settings.Step + OptimizerSteps - 1}";
        for (int step = 0; step < OptimizerSteps; step++)
        {
            var current = settings with { Step = settings.Step + step };
            float[] g = Rng.Uniform(n, -1, 1);
            Acc.OptimizerStep(current, parameters, Put(g), state1, state2, n);
            ReferenceStep(current, p, s1, s2, g, pErr, s1Err, s2Err);
        }
        Close(parameters, p, pErr, 0, what + " parameters");
        Close(state1, s1, s1Err, 0, what + " state1");
        if (settings.Kind == OptimizerKind.Adam) Close(state2, s2, s2Err, 0, what + " state2");
        else NumericAssert.Equal<float>(Get(state2), unused, what + " unused state2", Seed);
    }

    /// <summary>One float64 step, PyTorch's formulas; errors grow by each step's rounding bound.</summary>
    private static void ReferenceStep(in OptimizerParams s, double[] p, double[] s1, double[] s2, float[] g,
        double[] pErr, double[] s1Err, double[] s2Err)
    {
        double lr = s.LearningRate, eps = s.Epsilon;
        double c1 = 1 - Math.Pow(s.Beta1, s.Step), c2 = 1 - Math.Pow(s.Beta2, s.Step);
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i], update;
            switch (s.Kind)
            {
                case OptimizerKind.Adam:
                    s1[i] = s.Beta1 * s1[i] + (1 - (double)s.Beta1) * grad;
                    s2[i] = s.Beta2 * s2[i] + (1 - (double)s.Beta2) * grad * grad;
                    s1Err[i] = s.Beta1 * s1Err[i] + 4 * U * (Math.Abs(s1[i]) + Math.Abs(grad));
                    s2Err[i] = s.Beta2 * s2Err[i] + 4 * U * (s2[i] + grad * grad);
                    double root = Math.Sqrt(s2[i] / c2);
                    update = lr * (s1[i] / c1) / (root + eps);
                    // Carried state errors move the update too: d/dm and d/dv of the ratio.
                    pErr[i] += lr / c1 * s1Err[i] / (root + eps)
                        + Math.Abs(update) * (s2Err[i] / c2) / (2 * Math.Max(root, 1e-30) * (root + eps));
                    break;
                case OptimizerKind.Sgd:
                    s1[i] = s.Momentum * s1[i] + grad;
                    s1Err[i] = s.Momentum * s1Err[i] + 2 * U * (Math.Abs(s1[i]) + Math.Abs(grad));
                    update = lr * s1[i];
                    pErr[i] += lr * s1Err[i];
                    break;
                case OptimizerKind.RmsProp:
                    s1[i] = s.Alpha * s1[i] + (1 - (double)s.Alpha) * grad * grad;
                    s1Err[i] = s.Alpha * s1Err[i] + 4 * U * (s1[i] + grad * grad);
                    update = lr * grad / (Math.Sqrt(s1[i]) + eps);
                    pErr[i] += Math.Abs(update) * s1Err[i] / (2 * Math.Max(s1[i], 1e-30));
                    break;
                case OptimizerKind.Adagrad:
                    s1[i] += grad * grad;
                    s1Err[i] += 2 * U * s1[i];
                    update = lr * grad / (Math.Sqrt(s1[i]) + eps);
                    pErr[i] += Math.Abs(update) * s1Err[i] / (2 * Math.Max(s1[i], 1e-30));
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"no reference for {s.Kind}");
            }
            p[i] -= update;
            pErr[i] += UpdateRtol * Math.Abs(update) + U * Math.Abs(p[i]);
        }
    }
}
