// The op set on OpenCL against plain float64 references written here, with fresh random inputs and
// awkward sizes (1, primes, non-multiples of the GEMM tiles). The shared conformance suite covers the
// same ops for every backend; these pin the device kernels' edge handling (tiles, groups, flags).
using VaeGpu.Kernels;
using VaeGpu.Kernels.OpenCL;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.OpenCL;

[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLOpsTests(ITestOutputHelper output)
{
    private readonly int _seed = Random.Shared.Next();

    private Random NewRandom()
    {
        output.WriteLine($"seed {_seed}");
        return new Random(_seed);
    }

    private static float[] RandomArray(Random random, int n, float scale = 1f) =>
        Enumerable.Range(0, n).Select(_ => (random.NextSingle() * 2 - 1) * scale).ToArray();

    private static void AssertClose(double[] expected, float[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int bad = -1, worst = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])) && bad < 0) bad = i;
            if (!(diff <= maxDiff)) { maxDiff = diff; worst = i; }
        }
        if (bad >= 0)
        {
            var first = string.Join(", ", Enumerable.Range(bad, Math.Min(4, expected.Length - bad))
                .Select(i => $"[{i}] {actual[i]} vs {expected[i]}"));
            Assert.Fail($"{what}: first bad {first}; max diff {maxDiff:E3} at {worst}");
        }
    }

    private static double Act(Activation activation, double x) => activation switch
    {
        Activation.Relu => Math.Max(x, 0), Activation.LeakyRelu => x > 0 ? x : 0.01 * x,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)), Activation.Tanh => Math.Tanh(x),
        _ => x,
    };

    [BackendTheory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 13, 5)]
    [InlineData(64, 64, 16)]
    [InlineData(65, 63, 17)]
    [InlineData(131, 97, 211)]
    [InlineData(128, 10, 784)]
    [InlineData(200, 130, 33)]
    public void GemmMatchesFloat64(int m, int n, int k)
    {
        var random = NewRandom();
        using var accelerator = OpenCLAccelerator.Create(0);
        foreach (var layout in new[] { GemmLayout.NN, GemmLayout.NT, GemmLayout.TN })
        {
            foreach (var (accumulate, withBias, activation) in new[]
                     { (false, false, Activation.Identity), (true, true, Activation.Tanh),
                       (false, true, Activation.LeakyRelu), (true, false, Activation.Sigmoid) })
            {
                var a = RandomArray(random, m * k);
                var b = RandomArray(random, k * n);
                var c = RandomArray(random, m * n);
                var bias = RandomArray(random, n);
                using var da = accelerator.Upload<float>(a);
                using var db = accelerator.Upload<float>(b);
                using var dc = accelerator.Upload<float>(c);
                using var dbias = accelerator.Upload<float>(bias);
                accelerator.Gemm(layout, m, n, k, da, db, dc, accumulate, withBias ? dbias.View : default,
                    activation);
                var expected = Cpu.CpuGemmTests.Epilogue(Cpu.CpuGemmTests.Reference(layout, m, n, k, a, b), c,
                    accumulate, withBias ? bias : null, activation, n);
                AssertClose(expected, accelerator.ToArray(dc.View), 1e-5 * Math.Sqrt(k), 1e-5,
                    $"{layout} {m}x{n}x{k} acc={accumulate} bias={withBias} {activation}");
            }
        }
    }

    [BackendTheory]
    [InlineData(1, 1)]
    [InlineData(3, 257)]
    [InlineData(128, 784)]
    [InlineData(1000, 3)]
    public void ReductionsAndLossesMatchFloat64(int rows, int cols)
    {
        var random = NewRandom();
        using var accelerator = OpenCLAccelerator.Create(0);
        int size = rows * cols;
        var logits = RandomArray(random, size, 6f);
        var targets = Enumerable.Range(0, size).Select(_ => random.NextSingle()).ToArray();
        var sums0 = RandomArray(random, cols);
        using var dl = accelerator.Upload<float>(logits);
        using var dt = accelerator.Upload<float>(targets);
        using var sums = accelerator.Upload<float>(sums0);
        using var rowLoss = accelerator.Allocate<float>(rows);
        using var grad = accelerator.Allocate<float>(size);
        using var grad2 = accelerator.Allocate<float>(size);
        using var total = accelerator.Upload<float>([0.25f]);

        accelerator.ColumnSum(dl, rows, cols, sums, accumulate: true);
        var expectedSums = new double[cols];
        for (int col = 0; col < cols; col++)
        {
            expectedSums[col] = sums0[col];
            for (int row = 0; row < rows; row++) expectedSums[col] += logits[row * cols + col];
        }
        AssertClose(expectedSums, accelerator.ToArray(sums.View), 1e-5 * Math.Sqrt(rows) * 6, 1e-5,
            "ColumnSum");

        accelerator.SumInto(dl, size, total);
        AssertClose([0.25 + logits.Sum(v => (double)v)], accelerator.ToArray(total.View),
            1e-5 * Math.Sqrt(size) * 6, 1e-5, "SumInto");

        float scale = 0.37f;
        accelerator.BceWithLogits(dl, dt, rows, cols, rowLoss, grad, scale);
        var loss = new double[rows];
        var g = new double[size];
        for (int i = 0; i < size; i++)
        {
            double l = logits[i], x = targets[i];
            loss[i / cols] += Math.Max(l, 0) - l * x + Math.Log(1 + Math.Exp(-Math.Abs(l)));
            g[i] = scale * (1 / (1 + Math.Exp(-l)) - x);
        }
        AssertClose(loss, accelerator.ToArray(rowLoss.View), 1e-5 * cols, 1e-5, "BCE loss");
        AssertClose(g, accelerator.ToArray(grad.View), 1e-6, 1e-5, "BCE grad");

        accelerator.MseOnSigmoid(dl, dt, rows, cols, rowLoss, default, scale);
        Array.Clear(loss);
        for (int i = 0; i < size; i++)
        {
            double s = 1 / (1 + Math.Exp(-logits[i])), diff = s - targets[i];
            loss[i / cols] += diff * diff;
        }
        AssertClose(loss, accelerator.ToArray(rowLoss.View), 1e-5 * cols, 1e-5, "MSE loss");

        accelerator.KlDivergence(dl, dt, rows, cols, rowLoss, grad, grad2, scale);
        Array.Clear(loss);
        var g2 = new double[size];
        for (int i = 0; i < size; i++)
        {
            double mu = logits[i], lv = targets[i];
            loss[i / cols] += -0.5 * (1 + lv - mu * mu - Math.Exp(lv));
            g[i] = scale * mu;
            g2[i] = scale * 0.5 * (Math.Exp(lv) - 1);
        }
        AssertClose(loss, accelerator.ToArray(rowLoss.View), 1e-5 * cols, 1e-5, "KL loss");
        AssertClose(g, accelerator.ToArray(grad.View), 1e-6, 1e-5, "KL dmu");
        AssertClose(g2, accelerator.ToArray(grad2.View), 1e-6, 1e-5, "KL dlogvar");
    }

    [BackendFact]
    public void SumIntoUsesEveryElementOnce()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        foreach (int n in new[] { 1, 255, 256, 257, 16384, 16385, 100003 })
        {
            // Small integers sum exactly in float, so any dropped or doubled element shows.
            var values = Enumerable.Range(0, n).Select(i => (float)(i % 7 - 3)).ToArray();
            using var dv = accelerator.Upload<float>(values);
            using var acc = accelerator.Upload<float>([5f]);
            accelerator.SumInto(dv, n, acc);
            Assert.Equal(5.0 + values.Sum(v => (double)v), accelerator.ToArray(acc.View)[0]);
        }
    }

    [BackendFact]
    public void ElementwiseRandomOptimizerAndDataOpsMatchFloat64()
    {
        var random = NewRandom();
        using var accelerator = OpenCLAccelerator.Create(0);
        const int n = 1237;
        var x = RandomArray(random, n, 4f);
        var dy = RandomArray(random, n);
        using var dx = accelerator.Upload<float>(x);
        using var ddy = accelerator.Upload<float>(dy);
        using var y = accelerator.Allocate<float>(n);
        using var dxOut = accelerator.Allocate<float>(n);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            accelerator.ActivationForward(activation, dx, y, n);
            var yHost = accelerator.ToArray(y.View);
            AssertClose(x.Select(v => Act(activation, v)).ToArray(), yHost, 1e-6, 1e-5,
                $"{activation} forward");
            accelerator.ActivationBackward(activation, y, ddy, dxOut, n);
            var expected = new double[n];
            for (int i = 0; i < n; i++)
            {
                double yy = yHost[i];
                double d = activation switch
                {
                    Activation.Relu => yy > 0 ? 1 : 0, Activation.LeakyRelu => yy > 0 ? 1 : 0.01,
                    Activation.Sigmoid => yy * (1 - yy), Activation.Tanh => 1 - yy * yy, _ => 1,
                };
                expected[i] = dy[i] * d;
            }
            AssertClose(expected, accelerator.ToArray(dxOut.View), 1e-6, 1e-5, $"{activation} backward");
        }

        // Reparameterization: eps is the Philox stream, z and the gradients follow from it.
        var mu = RandomArray(random, n);
        var lv = RandomArray(random, n);
        using var dmu = accelerator.Upload<float>(mu);
        using var dlv = accelerator.Upload<float>(lv);
        using var eps = accelerator.Allocate<float>(n);
        using var z = accelerator.Allocate<float>(n);
        ulong seed = (ulong)random.NextInt64();
        accelerator.ReparameterizeForward(dmu, dlv, eps, z, n, seed, 3);
        var epsHost = accelerator.ToArray(eps.View);
        var hostNormals = new float[n];
        VaeGpu.Kernels.Random.Philox.FillNormal(hostNormals, seed, 3);
        AssertClose(hostNormals.Select(v => (double)v).ToArray(), epsHost, 1e-5, 1e-5, "eps");
        AssertClose(Enumerable.Range(0, n).Select(i => mu[i] + Math.Exp(0.5 * lv[i]) * epsHost[i]).ToArray(),
            accelerator.ToArray(z.View), 1e-5, 1e-5, "z");
        var gmu0 = RandomArray(random, n);
        var glv0 = RandomArray(random, n);
        using var gmu = accelerator.Upload<float>(gmu0);
        using var glv = accelerator.Upload<float>(glv0);
        accelerator.ReparameterizeBackward(ddy, eps, dlv, gmu, glv, n);
        AssertClose(Enumerable.Range(0, n).Select(i => (double)gmu0[i] + dy[i]).ToArray(),
            accelerator.ToArray(gmu.View), 1e-6, 1e-5, "dmu");
        AssertClose(Enumerable.Range(0, n).Select(i =>
            glv0[i] + 0.5 * dy[i] * epsHost[i] * Math.Exp(0.5 * lv[i])).ToArray(),
            accelerator.ToArray(glv.View), 1e-6, 1e-5, "dlogvar");

        foreach (var kind in Enum.GetValues<OptimizerKind>()) CheckOptimizer(accelerator, random, kind);
        CheckData(accelerator, random);
    }

    private void CheckOptimizer(Accelerator accelerator, Random random, OptimizerKind kind)
    {
        const int n = 1031;
        var p = RandomArray(random, n);
        var g = RandomArray(random, n);
        var s1 = RandomArray(random, n).Select(v => kind == OptimizerKind.Sgd ? v : Math.Abs(v)).ToArray();
        var s2 = RandomArray(random, n).Select(Math.Abs).ToArray();
        using var dp = accelerator.Upload<float>(p);
        using var dg = accelerator.Upload<float>(g);
        using var d1 = accelerator.Upload<float>(s1);
        using var d2 = accelerator.Upload<float>(s2);
        var settings = OptimizerParams.Defaults(kind, 0.01f) with { Step = 3 };
        accelerator.OptimizerStep(settings, dp, dg, d1, d2, n);
        var ep = new double[n];
        var e1 = new double[n];
        for (int i = 0; i < n; i++)
        {
            double gi = g[i], lr = settings.LearningRate;
            switch (kind)
            {
                case OptimizerKind.Adam:
                    double m = settings.Beta1 * s1[i] + (1 - settings.Beta1) * gi;
                    double v = settings.Beta2 * s2[i] + (1 - settings.Beta2) * gi * gi;
                    double c1 = 1 - Math.Pow(settings.Beta1, 3), c2 = 1 - Math.Pow(settings.Beta2, 3);
                    e1[i] = m;
                    ep[i] = p[i] - lr * (m / c1) / (Math.Sqrt(v / c2) + settings.Epsilon);
                    break;
                case OptimizerKind.Sgd:
                    e1[i] = settings.Momentum * s1[i] + gi;
                    ep[i] = p[i] - lr * e1[i];
                    break;
                case OptimizerKind.RmsProp:
                    e1[i] = settings.Alpha * s1[i] + (1 - settings.Alpha) * gi * gi;
                    ep[i] = p[i] - lr * gi / (Math.Sqrt(e1[i]) + settings.Epsilon);
                    break;
                default:
                    e1[i] = s1[i] + gi * gi;
                    ep[i] = p[i] - lr * gi / (Math.Sqrt(e1[i]) + settings.Epsilon);
                    break;
            }
        }
        AssertClose(ep, accelerator.ToArray(dp.View), 1e-6, 1e-5, $"{kind} parameters");
        AssertClose(e1, accelerator.ToArray(d1.View), 1e-6, 1e-5, $"{kind} state");
    }

    private static void CheckData(Accelerator accelerator, Random random)
    {
        const int images = 53, imageSize = 37, batch = 19, classes = 10;
        var data = new byte[images * imageSize];
        random.NextBytes(data);
        var labels = Enumerable.Range(0, images).Select(_ => (byte)random.Next(classes)).ToArray();
        var indices = Enumerable.Range(0, batch).Select(_ => random.Next(images)).ToArray();
        using var dd = accelerator.Upload<byte>(data);
        using var dlab = accelerator.Upload<byte>(labels);
        using var di = accelerator.Upload<int>(indices);
        using var dst = accelerator.Allocate<float>(batch * imageSize);
        using var hot = accelerator.Allocate<float>(batch * classes);
        accelerator.GatherImages(dd, imageSize, di, batch, dst);
        accelerator.GatherOneHot(dlab, di, batch, classes, hot);
        var gathered = accelerator.ToArray(dst.View);
        var oneHot = accelerator.ToArray(hot.View);
        for (int b = 0; b < batch; b++)
        {
            for (int p = 0; p < imageSize; p++)
                Assert.Equal(data[indices[b] * imageSize + p] * (1f / 255f), gathered[b * imageSize + p]);
            for (int c = 0; c < classes; c++) Assert.Equal(labels[indices[b]] == c ? 1f : 0f,
                oneHot[b * classes + c]);
        }

        const int rows = 7, aCols = 5, bCols = 3;
        var a = RandomArray(random, rows * aCols);
        var bb = RandomArray(random, rows * bCols);
        using var da = accelerator.Upload<float>(a);
        using var db = accelerator.Upload<float>(bb);
        using var cat = accelerator.Allocate<float>(rows * (aCols + bCols));
        accelerator.ConcatColumns(da, aCols, db, bCols, rows, cat);
        var result = accelerator.ToArray(cat.View);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < aCols + bCols; c++)
                Assert.Equal(c < aCols ? a[r * aCols + c] : bb[r * bCols + c - aCols],
                    result[r * (aCols + bCols) + c]);
    }
    [BackendFact]
    public void OpsAllocateNoManagedMemoryOnceWarm()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        const int rows = 33, cols = 47;
        var random = NewRandom();
        using var x = accelerator.Upload<float>(RandomArray(random, rows * cols));
        using var w = accelerator.Upload<float>(RandomArray(random, cols * cols));
        using var y = accelerator.Allocate<float>(rows * cols);
        using var g = accelerator.Allocate<float>(rows * cols);
        using var sums = accelerator.Allocate<float>(cols);
        using var loss = accelerator.Allocate<float>(rows);
        using var total = accelerator.Allocate<float>(1);
        using var s1 = accelerator.Allocate<float>(rows * cols);
        using var s2 = accelerator.Allocate<float>(rows * cols);
        using var data = accelerator.Upload<byte>(new byte[rows * cols]);
        using var indices = accelerator.Upload<int>(new int[rows]);
        var adam = OptimizerParams.Defaults(OptimizerKind.Adam, 1e-3f);
        void Step()
        {
            accelerator.Gemm(GemmLayout.NT, rows, cols, cols, x, w, y, false, sums, Activation.Relu);
            accelerator.ActivationBackward(Activation.Relu, y, x, g, rows * cols);
            accelerator.ColumnSum(g, rows, cols, sums, accumulate: true);
            accelerator.BceWithLogits(y, x, rows, cols, loss, g, 0.5f);
            accelerator.KlDivergence(y, x, rows, cols, loss, g, s1, 0.5f);
            accelerator.SumInto(loss, rows, total);
            accelerator.ReparameterizeForward(x, w.Slice(0, rows * cols), s1, s2, rows * cols, 7, 1);
            accelerator.OptimizerStep(adam, y, g, s1, s2, rows * cols);
            accelerator.GatherImages(data, cols, indices, rows, g);
            accelerator.Fill(s1.View, 0f);
        }
        Step();
        accelerator.Synchronize();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        accelerator.Synchronize();
        Assert.True(allocated == 0, $"five warm steps allocated {allocated} managed bytes");
    }
}
