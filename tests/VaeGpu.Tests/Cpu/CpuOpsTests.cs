// The CPU backend's vectorized, range-parallel ops against plain float64 code written here, at
// lengths that exercise every SIMD tail (1, 7, 8, 9, 63, 64, 65, ...) and at sizes large enough to
// be split over workers; 1, 2 and 3 threads must give bit-identical results. (The cross-backend
// conformance suite lives in tests/VaeGpu.Tests/Conformance; these are CPU-internal checks.)
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

public sealed class CpuOpsTests : IDisposable
{
    private static readonly int[] Lengths = [1, 7, 8, 9, 63, 64, 65, 1000, 100_003];
    private static readonly (int Rows, int Cols)[] Shapes =
        [(1, 1), (3, 7), (5, 8), (2, 17), (9, 65), (128, 784)];
    private readonly ITestOutputHelper output;
    private readonly CpuAccelerator[] cpus = [new(1), new(2), new(3)];
    private readonly Random random;

    public CpuOpsTests(ITestOutputHelper output)
    {
        this.output = output;
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        random = new Random(seed);
    }

    public void Dispose()
    {
        foreach (var cpu in cpus) cpu.Dispose();
    }

    [Fact]
    public void ActivationsMatchFloat64()
    {
        foreach (int n in Lengths)
            foreach (var act in Enum.GetValues<Activation>())
            {
                float[] x = Uniform(n, -6, 6), dy = Uniform(n, -1, 1);
                var y = x.Select(v => Act(act, v)).ToArray();
                Check($"forward {act} n={n}", cpu => [Forward(cpu, act, x)], [y], 1e-6, 4e-7);
                float[] yf = y.Select(v => (float)v).ToArray();
                var dx = yf.Select((v, i) => dy[i] * Deriv(act, v)).ToArray();
                Check($"backward {act} n={n}", cpu => [Backward(cpu, act, yf, dy)], [dx], 1e-7, 1e-6);
            }
    }

    [Fact]
    public void ColumnSumMatchesFloat64()
    {
        foreach (var (rows, cols) in Shapes.Append((3000, 37)))
            foreach (bool accumulate in new[] { false, true })
            {
                float[] x = Uniform(rows * cols, -1, 1), s0 = Uniform(cols, -1, 1);
                var expected = new double[cols];
                for (int col = 0; col < cols; col++)
                {
                    expected[col] = accumulate ? s0[col] : 0;
                    for (int row = 0; row < rows; row++) expected[col] += x[row * cols + col];
                }
                Check($"column sum {rows}x{cols} accumulate={accumulate}", cpu =>
                {
                    using var xb = cpu.Upload<float>(x);
                    using var sb = cpu.Upload<float>(s0);
                    cpu.ColumnSum(xb, rows, cols, sb, accumulate);
                    return [cpu.ToArray<float>(sb)];
                }, [expected], 1e-6 * rows, 1e-5);
            }
    }

    [Fact]
    public void LossesMatchFloat64()
    {
        foreach (var (rows, cols) in Shapes)
        {
            float[] l = Uniform(rows * cols, -8, 8), x = Uniform(rows * cols, 0, 1);
            float[] mu = Uniform(rows * cols, -2, 2), lv = Uniform(rows * cols, -3, 3);
            const float scale = 0.37f;
            var (bce, dbce) = (new double[rows], new double[rows * cols]);
            var (mse, dmse) = (new double[rows], new double[rows * cols]);
            var (kl, dmu, dlv) = (new double[rows], new double[rows * cols], new double[rows * cols]);
            for (int i = 0; i < rows * cols; i++)
            {
                double s = 1 / (1 + Math.Exp(-(double)l[i]));
                double li = l[i];
                bce[i / cols] += Math.Max(li, 0) - li * x[i] + Math.Log(1 + Math.Exp(-Math.Abs(li)));
                dbce[i] = scale * (s - x[i]);
                mse[i / cols] += (s - x[i]) * (s - x[i]);
                dmse[i] = scale * 2 * (s - x[i]) * s * (1 - s);
                kl[i / cols] += -0.5 * (1 + lv[i] - (double)mu[i] * mu[i] - Math.Exp(lv[i]));
                dmu[i] = scale * mu[i];
                dlv[i] = scale * 0.5 * (Math.Exp(lv[i]) - 1);
            }
            double atol = 1e-5 * Math.Sqrt(cols) + 1e-6;
            Check($"bce {rows}x{cols}", cpu => Loss(cpu, 0, rows, cols, l, x, scale), [bce, dbce], atol,
                1e-5);
            Check($"mse {rows}x{cols}", cpu => Loss(cpu, 1, rows, cols, l, x, scale), [mse, dmse], atol,
                1e-5);
            Check($"kl {rows}x{cols}", cpu => Loss(cpu, 2, rows, cols, mu, lv, scale), [kl, dmu, dlv], atol,
                1e-5);
        }
    }

    [Fact]
    public void RandomAndReparameterizationMatchFloat64()
    {
        ulong seed = (ulong)random.NextInt64(), stream = (ulong)random.Next(1000);
        foreach (int n in Lengths)
        {
            var eps = Enumerable.Range(0, n).Select(i => (double)Philox.Normal(seed, stream, i)).ToArray();
            Check($"fill normal n={n}", cpu =>
            {
                using var d = cpu.Allocate<float>(n);
                cpu.FillNormal(d, n, seed, stream);
                return [cpu.ToArray<float>(d)];
            }, [eps], 0, 0);
            float[] mu = Uniform(n, -2, 2), lv = Uniform(n, -3, 3), dz = Uniform(n, -1, 1);
            float[] dmu0 = Uniform(n, -1, 1), dlv0 = Uniform(n, -1, 1);
            var z = mu.Select((m, i) => m + Math.Exp(0.5 * lv[i]) * eps[i]).ToArray();
            var dmu = dmu0.Select((d, i) => d + (double)dz[i]).ToArray();
            var dlv = dlv0.Select((d, i) => d + 0.5 * dz[i] * eps[i] * Math.Exp(0.5 * lv[i])).ToArray();
            Check($"reparameterize n={n}", cpu =>
            {
                using var mb = cpu.Upload<float>(mu);
                using var lb = cpu.Upload<float>(lv);
                using var eb = cpu.Allocate<float>(n);
                using var zb = cpu.Allocate<float>(n);
                using var dzb = cpu.Upload<float>(dz);
                using var dmb = cpu.Upload<float>(dmu0);
                using var dlb = cpu.Upload<float>(dlv0);
                cpu.ReparameterizeForward(mb, lb, eb, zb, n, seed, stream);
                cpu.ReparameterizeBackward(dzb, eb, lb, dmb, dlb, n);
                return [cpu.ToArray<float>(eb), cpu.ToArray<float>(zb), cpu.ToArray<float>(dmb),
                    cpu.ToArray<float>(dlb)];
            }, [eps, z, dmu, dlv], 1e-6, 1e-5);
        }
    }

    [Fact]
    public void OptimizersMatchFloat64()
    {
        foreach (int n in Lengths)
            foreach (var kind in Enum.GetValues<OptimizerKind>())
            {
                var settings = OptimizerParams.Defaults(kind, 0.01f) with { Step = 3 };
                float[] p = Uniform(n, -1, 1), g = Uniform(n, -1, 1);
                float[] s1 = Uniform(n, 0, 1), s2 = Uniform(n, 0, 1);
                var (ep, e1, e2) = OptimizerReference(settings, p, g, s1, s2);
                Check($"{kind} n={n}", cpu =>
                {
                    using var pb = cpu.Upload<float>(p);
                    using var gb = cpu.Upload<float>(g);
                    using var b1 = cpu.Upload<float>(s1);
                    using var b2 = cpu.Upload<float>(s2);
                    cpu.OptimizerStep(settings, pb, gb, b1, b2, n);
                    return [cpu.ToArray<float>(pb), cpu.ToArray<float>(b1), cpu.ToArray<float>(b2)];
                }, [ep, e1, e2], 1e-6, 1e-5);
            }
    }

    [Fact]
    public void GathersAndColumnCopiesMatch()
    {
        foreach (int imageSize in new[] { 1, 15, 16, 17, 784 })
            foreach (int batch in new[] { 1, 5, 128 })
            {
                int images = 300;
                var data = new byte[images * imageSize];
                random.NextBytes(data);
                var labels = Enumerable.Range(0, images).Select(_ => (byte)random.Next(10)).ToArray();
                var indices = Enumerable.Range(0, batch).Select(_ => random.Next(images)).ToArray();
                var expected = new double[batch * imageSize];
                var oneHot = new double[batch * 10];
                for (int b = 0; b < batch; b++)
                {
                    for (int p = 0; p < imageSize; p++)
                        expected[b * imageSize + p] = data[indices[b] * imageSize + p] / 255.0;
                    oneHot[b * 10 + labels[indices[b]]] = 1;
                }
                int extra = imageSize > 2 ? 2 : 1;
                var concat = new double[batch * (imageSize + extra)];
                for (int b = 0; b < batch; b++)
                    for (int c = 0; c < imageSize + extra; c++)
                        concat[b * (imageSize + extra) + c] =
                            c < imageSize ? expected[b * imageSize + c] : oneHot[b * 10 + c - imageSize];
                Check($"gather {batch}x{imageSize}", cpu =>
                {
                    using var db = cpu.Upload<byte>(data);
                    using var lb = cpu.Upload<byte>(labels);
                    using var ib = cpu.Upload<int>(indices);
                    using var xb = cpu.Allocate<float>(batch * imageSize);
                    using var yb = cpu.Allocate<float>(batch * 10);
                    using var cb = cpu.Allocate<float>(batch * (imageSize + extra));
                    cpu.GatherImages(db, imageSize, ib, batch, xb);
                    cpu.GatherOneHot(lb, ib, batch, 10, yb);
                    cpu.CopyColumns(xb, batch, imageSize, 0, cb, imageSize + extra, 0, imageSize);
                    cpu.CopyColumns(yb, batch, 10, 0, cb, imageSize + extra, imageSize, extra);
                    return [cpu.ToArray<float>(xb), cpu.ToArray<float>(yb), cpu.ToArray<float>(cb)];
                }, [expected, oneHot, concat], 0, 1e-7);
            }
    }

    [Fact]
    public void SumIntoMatchesFloat64()
    {
        foreach (int n in Lengths)
        {
            float[] v = Uniform(n, -1, 1);
            double expected = 0.25 + v.Sum(x => (double)x);
            Check($"sum n={n}", cpu =>
            {
                using var vb = cpu.Upload<float>(v);
                using var acc = cpu.Upload<float>([0.25f]);
                cpu.SumInto(vb, n, acc);
                return [cpu.ToArray<float>(acc)];
            }, [[expected]], 1e-6 + 1e-7 * n, 1e-6); // float32 running sums of n terms in [-1, 1]
        }
    }

    private static float[] Forward(CpuAccelerator cpu, Activation act, float[] x)
    {
        using var xb = cpu.Upload<float>(x);
        using var yb = cpu.Allocate<float>(x.Length);
        cpu.ActivationForward(act, xb, yb, x.Length);
        return cpu.ToArray<float>(yb);
    }

    private static float[] Backward(CpuAccelerator cpu, Activation act, float[] y, float[] dy)
    {
        using var yb = cpu.Upload<float>(y);
        using var db = cpu.Upload<float>(dy);
        cpu.ActivationBackward(act, yb, db, db, y.Length); // in place, as allowed
        return cpu.ToArray<float>(db);
    }

    private static float[][] Loss(CpuAccelerator cpu, int which, int rows, int cols, float[] first,
        float[] second, float scale)
    {
        using var a = cpu.Upload<float>(first);
        using var b = cpu.Upload<float>(second);
        using var loss = cpu.Allocate<float>(rows);
        using var d1 = cpu.Allocate<float>(rows * cols);
        using var d2 = cpu.Allocate<float>(rows * cols);
        if (which == 0) cpu.BceWithLogits(a, b, rows, cols, loss, d1, scale);
        else if (which == 1) cpu.MseOnSigmoid(a, b, rows, cols, loss, d1, scale);
        else cpu.KlDivergence(a, b, rows, cols, loss, d1, d2, scale);
        var withGrad = which == 2
            ? new[] { cpu.ToArray<float>(loss), cpu.ToArray<float>(d1), cpu.ToArray<float>(d2) }
            : new[] { cpu.ToArray<float>(loss), cpu.ToArray<float>(d1) };
        // The loss alone (no gradient buffers) must equal the loss computed with them.
        if (which == 0) cpu.BceWithLogits(a, b, rows, cols, loss, default, scale);
        else if (which == 1) cpu.MseOnSigmoid(a, b, rows, cols, loss, default, scale);
        else cpu.KlDivergence(a, b, rows, cols, loss, default, default, scale);
        CpuGemmTests.AssertBitIdentical(withGrad[0], cpu.ToArray<float>(loss),
            $"loss {which} without gradients");
        return withGrad;
    }

    private static (double[] P, double[] S1, double[] S2) OptimizerReference(OptimizerParams s, float[] p0,
        float[] g, float[] s10, float[] s20)
    {
        int n = p0.Length;
        var (p, s1, s2) = (new double[n], new double[n], new double[n]);
        double lr = s.LearningRate;
        for (int i = 0; i < n; i++)
        {
            (p[i], s1[i], s2[i]) = (p0[i], s10[i], s20[i]);
            switch (s.Kind)
            {
                case OptimizerKind.Adam:
                    s1[i] = s.Beta1 * s1[i] + (1 - (double)s.Beta1) * g[i];
                    s2[i] = s.Beta2 * s2[i] + (1 - (double)s.Beta2) * g[i] * g[i];
                    double c1 = 1 - Math.Pow(s.Beta1, s.Step), c2 = 1 - Math.Pow(s.Beta2, s.Step);
                    p[i] -= lr * (s1[i] / c1) / (Math.Sqrt(s2[i] / c2) + s.Epsilon);
                    break;
                case OptimizerKind.Sgd:
                    s1[i] = s.Momentum * s1[i] + g[i];
                    p[i] -= lr * s1[i];
                    break;
                case OptimizerKind.RmsProp:
                    s1[i] = s.Alpha * s1[i] + (1 - (double)s.Alpha) * g[i] * g[i];
                    p[i] -= lr * g[i] / (Math.Sqrt(s1[i]) + s.Epsilon);
                    break;
                default:
                    s1[i] += (double)g[i] * g[i];
                    p[i] -= lr * g[i] / (Math.Sqrt(s1[i]) + s.Epsilon);
                    break;
            }
        }
        return (p, s1, s2);
    }

    private static double Act(Activation act, double x) => act switch
    {
        Activation.Relu => Math.Max(x, 0),
        Activation.LeakyRelu => x > 0 ? x : 0.01 * x,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => x,
    };

    private static double Deriv(Activation act, double y) => act switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.LeakyRelu => y > 0 ? 1 : 0.01,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => 1,
    };

    private float[] Uniform(int n, double low, double high) =>
        Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray();

    /// <summary>Runs on 1, 2 and 3 threads: outputs near the reference, all runs bit-identical.</summary>
    private void Check(string what, Func<CpuAccelerator, float[][]> run, double[][] expected, double atol,
        double rtol)
    {
        float[][]? first = null;
        foreach (var cpu in cpus)
        {
            var got = run(cpu);
            for (int o = 0; o < expected.Length; o++)
            {
                int bad = -1, count = 0, worst = 0;
                double maxDiff = 0;
                for (int i = 0; i < expected[o].Length; i++)
                {
                    double diff = Math.Abs(got[o][i] - expected[o][i]);
                    if (!(diff <= atol + rtol * Math.Abs(expected[o][i])) && count++ == 0) bad = i;
                    if (!(diff <= maxDiff)) (maxDiff, worst) = (diff, i);
                }
                if (count > 0)
                {
                    var lines = Enumerable.Range(bad, Math.Min(4, expected[o].Length - bad))
                        .Select(i => $"  [{i}] got {got[o][i]:R} expected {expected[o][i]:R}");
                    Assert.Fail($"{what}, output {o}, threads={cpu.Threads}: {count} bad of " +
                        $"{expected[o].Length}; max diff {maxDiff:G4} at {worst}\n" +
                        string.Join("\n", lines));
                }
                if (first is not null) CpuGemmTests.AssertBitIdentical(first[o], got[o],
                    $"{what} output {o} threads={cpu.Threads}");
            }
            first ??= got;
        }
        output.WriteLine($"ok: {what}");
    }
}
