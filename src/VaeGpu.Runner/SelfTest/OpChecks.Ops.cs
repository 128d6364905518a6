// The list of op comparisons the self-test runs. Sizes are awkward on purpose (1, primes, 784) so
// that tile and vector tails run; tolerances allow for a different summation order and for CUDA's
// and .NET's exp/log/tanh differing by a few ulp, nothing more.
using VaeGpu.Kernels;

namespace VaeGpu.Runner.SelfTest;

internal sealed partial class OpChecks
{
    private const double Rtol = 2e-5;
    private const double Atol = 1e-6;

    /// <summary>Runs every check once.</summary>
    public void RunAll()
    {
        foreach (var (m, n, k) in new[] { (1, 1, 1), (17, 31, 7), (128, 400, 784), (129, 784, 20) })
        foreach (var layout in new[] { GemmLayout.NN, GemmLayout.NT, GemmLayout.TN })
        {
            var rng = Inputs($"gemm{layout}{m}x{n}x{k}");
            var a = Uniform(rng, m * k, -1, 1);
            var b = Uniform(rng, k * n, -1, 1);
            var c0 = Uniform(rng, m * n, -1, 1);
            var bias = Uniform(rng, n, -1, 1);
            var activation = (Activation)(rng.Next(5));
            // Inputs in [-1, 1]: each dot product has |terms| <= 1, so k * 2^-23 bounds any order's error.
            double atol = 4 * k * Math.Pow(2, -24) + Atol;
            Check($"Gemm {layout} {m}x{n}x{k}", atol, Rtol, s =>
            {
                var c = s.Zeros(m * n);
                s.Acc.Gemm(layout, m, n, k, s.Up(a), s.Up(b), c);
                return s.Read(c);
            });
            Check($"Gemm {layout} {m}x{n}x{k} +=C +bias {activation}", atol + 2 * Atol, Rtol, s =>
            {
                var c = s.Up(c0);
                s.Acc.Gemm(layout, m, n, k, s.Up(a), s.Up(b), c, accumulate: true, bias: s.Up(bias), activation);
                return s.Read(c);
            });
        }

        foreach (var (rows, cols) in new[] { (1, 1), (129, 31), (1000, 784) })
        {
            var x = Uniform(Inputs($"colsum{rows}"), rows * cols, -1, 1);
            var start = Uniform(Inputs($"colsum0{rows}"), cols, -1, 1);
            Check($"ColumnSum {rows}x{cols} +=", rows * 4 * Math.Pow(2, -24) + Atol, Rtol, s =>
            {
                var sums = s.Up(start);
                s.Acc.ColumnSum(s.Up(x), rows, cols, sums, accumulate: true);
                return s.Read(sums);
            });
        }

        foreach (var activation in Enum.GetValues<Activation>())
        {
            int n = 7919;
            var x = Uniform(Inputs($"act{activation}"), n, -6, 6);
            var dy = Uniform(Inputs($"dact{activation}"), n, -1, 1);
            Check($"ActivationForward+Backward {activation} n={n}", 4 * Atol, 1e-5, s =>
            {
                var y = s.Zeros(n);
                var dx = s.Zeros(n);
                s.Acc.ActivationForward(activation, s.Up(x), y, n);
                s.Acc.ActivationBackward(activation, y, s.Up(dy), dx, n);
                return s.Read(y, dx);
            });
        }

        RunSamplingChecks();
        RunLossChecks();
        RunOptimizerChecks();
        RunDataChecks();
    }

    private void RunSamplingChecks()
    {
        ulong seed = (ulong)Inputs("philox").NextInt64(), stream = (ulong)Inputs("stream").NextInt64(1000);
        Check("FillNormal n=100003", 4 * Atol, 1e-5, s =>
        {
            var z = s.Zeros(100_003);
            s.Acc.FillNormal(z, 100_003, seed, stream);
            return s.Read(z);
        });
        int n = 20 * 129;
        var mu = Uniform(Inputs("mu"), n, -2, 2);
        var logvar = Uniform(Inputs("logvar"), n, -4, 2);
        var dz = Uniform(Inputs("dz"), n, -1, 1);
        var dmu0 = Uniform(Inputs("dmu0"), n, -1, 1);
        var dlv0 = Uniform(Inputs("dlv0"), n, -1, 1);
        Check($"Reparameterize forward+backward n={n}", 8 * Atol, 1e-5, s =>
        {
            var eps = s.Zeros(n);
            var z = s.Zeros(n);
            var lv = s.Up(logvar);
            s.Acc.ReparameterizeForward(s.Up(mu), lv, eps, z, n, seed, stream);
            var dmu = s.Up(dmu0);
            var dlv = s.Up(dlv0);
            s.Acc.ReparameterizeBackward(s.Up(dz), eps, lv, dmu, dlv, n);
            return s.Read(eps, z, dmu, dlv);
        });
    }

    private void RunLossChecks()
    {
        foreach (var (rows, cols) in new[] { (1, 1), (7, 784), (128, 784) })
        {
            var logits = Uniform(Inputs($"logits{rows}"), rows * cols, -8, 8);
            var targets = Uniform(Inputs($"targets{rows}"), rows * cols, 0, 1);
            float scale = 1f / rows;
            // Row losses are sums of cols positive terms of size ~1..8: allow cols ulps of the sum.
            double sumRtol = cols * Math.Pow(2, -23) + 1e-5;
            Check($"BceWithLogits {rows}x{cols} (+grad)", Atol, sumRtol, s =>
            {
                var loss = s.Zeros(rows);
                var grad = s.Zeros(rows * cols);
                s.Acc.BceWithLogits(s.Up(logits), s.Up(targets), rows, cols, loss, grad, scale);
                return s.Read(loss, grad);
            });
            Check($"MseOnSigmoid {rows}x{cols} (+grad)", Atol, sumRtol, s =>
            {
                var loss = s.Zeros(rows);
                var grad = s.Zeros(rows * cols);
                s.Acc.MseOnSigmoid(s.Up(logits), s.Up(targets), rows, cols, loss, grad, scale);
                return s.Read(loss, grad);
            });
            int latent = Math.Min(cols, 20);
            var mu = Uniform(Inputs($"klmu{rows}"), rows * latent, -2, 2);
            var lv = Uniform(Inputs($"kllv{rows}"), rows * latent, -3, 2);
            Check($"KlDivergence {rows}x{latent} (+grads)", 4 * Atol, 1e-5 + latent * Math.Pow(2, -23), s =>
            {
                var loss = s.Zeros(rows);
                var dmu = s.Zeros(rows * latent);
                var dlv = s.Zeros(rows * latent);
                s.Acc.KlDivergence(s.Up(mu), s.Up(lv), rows, latent, loss, dmu, dlv, scale);
                return s.Read(loss, dmu, dlv);
            });
        }
        foreach (int n in new[] { 1, 255, 100_003 })
        {
            var values = Uniform(Inputs($"sum{n}"), n, 0, 1);
            Check($"SumInto n={n}", Atol, n * Math.Pow(2, -23) + 1e-6, s =>
            {
                var acc = s.Up(new[] { 0.5f });
                s.Acc.SumInto(s.Up(values), n, acc);
                return s.Read(acc);
            });
        }
    }

    private void RunOptimizerChecks()
    {
        int n = 100_003;
        foreach (var kind in Enum.GetValues<OptimizerKind>())
        {
            var p = Uniform(Inputs($"p{kind}"), n, -1, 1);
            var g = Uniform(Inputs($"g{kind}"), n, -1, 1);
            var s1 = Uniform(Inputs($"s1{kind}"), n, 0, 0.1);
            var s2 = Uniform(Inputs($"s2{kind}"), n, 0, 0.1);
            var settings = OptimizerParams.Defaults(kind, 1e-3f) with { Step = 7 };
            Check($"OptimizerStep {kind} n={n}", 4 * Atol, 1e-5, s =>
            {
                var (pv, s1v, s2v) = (s.Up(p), s.Up(s1), s.Up(s2));
                s.Acc.OptimizerStep(settings, pv, s.Up(g), s1v, s2v, n);
                return s.Read(pv, s1v, s2v);
            });
        }
    }

    private void RunDataChecks()
    {
        var rng = Inputs("data");
        int images = 301, size = 784, batch = 129, classes = 10;
        var pixels = new byte[images * size];
        rng.NextBytes(pixels);
        var labels = new byte[images];
        for (int i = 0; i < images; i++) labels[i] = (byte)rng.Next(classes);
        var indices = new int[batch];
        for (int i = 0; i < batch; i++) indices[i] = rng.Next(images);
        Check($"GatherImages+GatherOneHot batch={batch}", 0, 0, s =>
        {
            var x = s.Zeros(batch * size);
            var y = s.Zeros(batch * classes);
            var idx = s.Up(indices);
            s.Acc.GatherImages(s.Up(pixels), size, idx, batch, x);
            s.Acc.GatherOneHot(s.Up(labels), idx, batch, classes, y);
            return s.Read(x, y);
        });
        var a = Uniform(rng, batch * 17, -1, 1);
        var b = Uniform(rng, batch * 10, -1, 1);
        Check("ConcatColumns + CopyColumns", 0, 0, s =>
        {
            var both = s.Zeros(batch * 27);
            s.Acc.ConcatColumns(s.Up(a), 17, s.Up(b), 10, batch, both);
            var part = s.Zeros(batch * 5);
            s.Acc.CopyColumns(both, batch, 27, 15, part, 5, 0, 5);
            return s.Read(both, part);
        });
    }
}
