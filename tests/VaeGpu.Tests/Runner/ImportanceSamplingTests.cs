// The importance-sampled bound against known answers: a decoder that ignores z makes log p(x) analytic,
// so with q = prior every weight is p(x) and the bound is exact for any K; with another q the K = 1
// estimate has mean -log p(x) + KL(q || p) and a large K closes the gap like Var(w / p(x)) / 2K. Then the
// device estimator against a float64 host reference (same eps, same chunks), and LogMeanExp.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Runner;

/// <summary>Estimator checks, written once and run per backend by thin subclasses.</summary>
public abstract class ImportanceSamplingTests(ITestOutputHelper output)
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    protected abstract Accelerator CreateAccelerator();

    [BackendTheory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    public void QEqualToThePriorGivesTheExactLikelihoodForAnyK(int k)
    {
        var random = new TestRandom(output);
        var config = new ModelConfig(ModelKind.Vae, 23, 0, [9], [6], 3, Activation.Tanh,
            Seed: random.NextUInt64());
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, maxBatch: 16);
        // Every encoder parameter 0: mu = 0 and logvar = 0, so q(z|x) = N(0, I) = p(z).
        var bias = ZDecoder(model, random, encoderOutBias: null);
        var split = RandomSplit(random, 37, config.InputDim);
        using var device = new DeviceSplit(acc, split, split.Count, model.MaxBatch, 0);
        var estimate = new double[split.Count];
        ImportanceSampling.NegativeLogLikelihoods(model, device, k, estimate);
        // Each weight is p(x | z) p(z) / q(z | x) = p(x): the bound is -log p(x) = BCE(bias, x) exactly.
        NumericAssert.Close(ToFloats(estimate), ExactNll(split, bias), new Tolerance(1e-4, 1e-5),
            $"bound with q = prior, K = {k}", random.Seed);
    }

    [BackendFact]
    public void OneSampleHasMeanMinusLogLikelihoodPlusKl()
    {
        var random = new TestRandom(output);
        var (model, acc, split, mu, logvar, bias) = OffsetPosterior(random, images: 3000);
        using var owned = acc;
        using var ownedModel = model;
        using var device = new DeviceSplit(acc, split, split.Count, model.MaxBatch, 0);
        var estimate = new double[split.Count];
        ImportanceSampling.NegativeLogLikelihoods(model, device, 1, estimate);
        // -log w - (-log p(x)) = log q(z) - log p(z) with z ~ q: mean KL(q || p), and per latent
        // dimension the variance of 0.5 ((s^2 - 1) eps^2 + 2 mu s eps) is 0.5 (s^2 - 1)^2 + mu^2 s^2.
        var exact = ExactNll(split, bias);
        double kl = 0, variance = 0, meanGap = 0;
        for (int j = 0; j < mu.Length; j++)
        {
            double s2 = Math.Exp(logvar[j]);
            kl += 0.5 * (s2 + mu[j] * mu[j] - 1 - logvar[j]);
            variance += 0.5 * (s2 - 1) * (s2 - 1) + mu[j] * mu[j] * s2;
        }
        for (int i = 0; i < split.Count; i++) meanGap += (estimate[i] - exact[i]) / split.Count;
        double standardError = Math.Sqrt(variance / split.Count);
        output.WriteLine($"mean gap {meanGap:G6}, KL {kl:G6}, standard error {standardError:G3}");
        Assert.True(Math.Abs(meanGap - kl) <= 5 * standardError + 1e-4,
            $"K = 1: mean of estimate + log p(x) is {meanGap:G6}, expected KL = {kl:G6} " +
            $"within 5 standard errors ({standardError:G3}); seed {random.Seed}");
    }

    [BackendFact]
    public void LargeKApproachesMinusLogLikelihoodFromAbove()
    {
        const int K = 2000;
        var random = new TestRandom(output);
        var (model, acc, split, mu, logvar, bias) = OffsetPosterior(random, images: 60);
        using var owned = acc;
        using var ownedModel = model;
        using var device = new DeviceSplit(acc, split, split.Count, model.MaxBatch, 0);
        var estimate = new double[split.Count];
        ImportanceSampling.NegativeLogLikelihoods(model, device, K, estimate);
        // w_k = p(x) r_k with r = p(z) / q(z), E_q[r] = 1, so bound - (-log p(x)) = -log mean_k r_k has
        // mean Var(r) / 2K + O(1/K^2) and standard deviation sqrt(Var(r) / K). Per latent dimension
        // E_q[r^2] = s^2 / sqrt(2 s^2 - 1) exp(mu^2 / (2 s^2 - 1)) (finite for s^2 > 1/2).
        double secondMoment = 1;
        for (int j = 0; j < mu.Length; j++)
        {
            double s2 = Math.Exp(logvar[j]);
            secondMoment *= s2 / Math.Sqrt(2 * s2 - 1) * Math.Exp(mu[j] * mu[j] / (2 * s2 - 1));
        }
        double varR = secondMoment - 1, expectedGap = varR / (2 * K);
        double standardError = Math.Sqrt(varR / K / split.Count);
        var exact = ExactNll(split, bias);
        double meanGap = 0;
        for (int i = 0; i < split.Count; i++) meanGap += (estimate[i] - exact[i]) / split.Count;
        output.WriteLine($"Var(r) {varR:G4}: mean gap {meanGap:G4}, expected {expectedGap:G4} " +
            $"+- {standardError:G3}");
        Assert.True(Math.Abs(meanGap - expectedGap) <= 5 * standardError + 1e-4,
            $"K = {K}: mean gap to -log p(x) is {meanGap:G6}, expected {expectedGap:G6} within 5 standard " +
            $"errors ({standardError:G3}); seed {random.Seed}");
    }

    [BackendTheory]
    [InlineData(ModelKind.Vae, 37, 16, 7)]
    [InlineData(ModelKind.Vae, 37, 16, 21)]
    [InlineData(ModelKind.Vae, 1, 1, 1)]
    [InlineData(ModelKind.Cvae, 29, 13, 17)]
    public void MatchesTheFloat64HostReference(ModelKind kind, int images, int maxBatch, int k)
    {
        var random = new TestRandom(output);
        int classes = kind == ModelKind.Cvae ? 4 : 0;
        var config = new ModelConfig(kind, 256, classes, [11], [13], 3, Activation.Tanh,
            Seed: random.NextUInt64());
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, maxBatch);
        var split = RandomSplit(random, images, config.InputDim, Math.Max(classes, 1));
        using var device = new DeviceSplit(acc, split, split.Count, maxBatch, classes);
        var estimate = new double[images];
        ImportanceSampling.NegativeLogLikelihoods(model, device, k, estimate);
        var p = new float[model.Parameters.Count];
        model.Parameters.ReadValues(p);
        var reference = HostReference(config, model.Parameters.Table, ToDouble(p), split, maxBatch, k);
        // float32 forward and a 256-pixel BCE sum (about 180 nats) against float64.
        NumericAssert.Close(ToFloats(estimate), reference, new Tolerance(2e-3, 2e-5),
            $"{kind}, {images} images in chunks of {maxBatch}, K = {k}", random.Seed);
    }

    /// <summary>
    /// The bound in float64 on the host, independently of the device code: the same chunks of maxBatch
    /// images and the same eps (normal r L + j of the chunk's sample stream), every weight kept, then
    /// LogMeanExp.
    /// </summary>
    internal static double[] HostReference(ModelConfig config, IReadOnlyList<ParameterInfo> table,
        double[] p, DataSplit split, int maxBatch, int k)
    {
        int d = config.InputDim, l = config.Latent, c = config.Kind == ModelKind.Cvae ? config.Classes : 0;
        var result = new double[split.Count];
        for (int start = 0, chunk = 0; start < split.Count; start += maxBatch, chunk++)
        {
            int n = Math.Min(maxBatch, split.Count - start);
            var x = new double[n * d];
            for (int i = 0; i < n * d; i++) x[i] = split.Images[start * d + i] / 255.0;
            var labels = new double[n * Math.Max(c, 1)];
            for (int row = 0; row < n && c > 0; row++) labels[row * c + split.Labels[start + row]] = 1;
            var (mu, logvar) = Encode(config, table, p, x, labels, n);
            var logWeights = new double[n, k];
            for (int sample = 0; sample < k; sample++)
            {
                ulong stream = ImportanceSampling.Stream(chunk, k, sample);
                var eps = new double[n * l];
                var z = new double[n * l];
                for (int i = 0; i < n * l; i++)
                {
                    eps[i] = Philox.Normal(config.Seed, stream, i);
                    z[i] = mu[i] + Math.Exp(0.5 * logvar![i]) * eps[i];
                }
                var logits = Decode(config, table, p, z, labels, n);
                var bce = Recon(ReconstructionLoss.Bce, logits, x, n, d); // -log p(x | z) per row
                for (int row = 0; row < n; row++)
                {
                    double logPrior = 0, logPosterior = 0;
                    for (int j = 0; j < l; j++)
                    {
                        int at = row * l + j;
                        logPrior += -0.5 * z[at] * z[at] - HalfLog2Pi;
                        logPosterior += -0.5 * eps[at] * eps[at] - HalfLog2Pi - 0.5 * logvar![at];
                    }
                    logWeights[row, sample] = -bce[row] + logPrior - logPosterior;
                }
            }
            for (int row = 0; row < n; row++)
            {
                var weights = Enumerable.Range(0, k).Select(sample => logWeights[row, sample]).ToArray();
                result[start + row] = -ImportanceSampling.LogMeanExp(weights);
            }
        }
        return result;
    }

    /// <summary>A model whose decoder ignores z (weights 0, random output bias, returned) and whose encoder
    /// outputs the same (mu, logvar) for every image: given biases, or 0 when null.</summary>
    private static double[] ZDecoder(VaeModel model, TestRandom random,
        (float[] Mu, float[] Logvar)? encoderOutBias)
    {
        var arena = model.Parameters;
        var values = new float[arena.Count];
        var bias = random.Uniform(model.Config.InputDim, -3f, 3f);
        var outBias = arena["decoder.out.bias"];
        bias.CopyTo(values, outBias.Offset);
        if (encoderOutBias is { } given)
        {
            // Only the heads' biases: hidden encoder layers may be anything, the heads' weights are 0.
            foreach (var info in arena.Table)
                if (info.Name.StartsWith("encoder.layers.", StringComparison.Ordinal))
                    random.Uniform(info.Length, -1f, 1f).CopyTo(values, info.Offset);
            given.Mu.CopyTo(values, arena["encoder.mu.bias"].Offset);
            given.Logvar.CopyTo(values, arena["encoder.logvar.bias"].Offset);
        }
        arena.WriteValues(values);
        return ToDouble(bias);
    }

    private (VaeModel, Accelerator, DataSplit, double[] Mu, double[] Logvar, double[] Bias)
        OffsetPosterior(TestRandom random, int images)
    {
        var config = new ModelConfig(ModelKind.Vae, 16, 0, [5], [4], 3, Activation.Relu,
            Seed: random.NextUInt64());
        var acc = CreateAccelerator();
        var model = new VaeModel(acc, config, maxBatch: 500);
        // s^2 = exp(logvar) in [0.82, 1.8]: E_q[r^4] is finite (s^2 > 3/4), so the large-K expansion holds.
        var mu = random.Uniform(config.Latent, -0.6f, 0.6f);
        var logvar = random.Uniform(config.Latent, -0.2f, 0.6f);
        var bias = ZDecoder(model, random, (mu, logvar));
        var split = RandomSplit(random, images, config.InputDim);
        return (model, acc, split, ToDouble(mu), ToDouble(logvar), bias);
    }

    /// <summary>-log p(x) = sum over pixels of BCE(bias, x) for the z-independent decoder.</summary>
    private static double[] ExactNll(DataSplit split, double[] bias)
    {
        int d = bias.Length;
        var logits = new double[split.Count * d];
        for (int i = 0; i < logits.Length; i++) logits[i] = bias[i % d];
        var x = split.Images.Take(split.Count * d).Select(b => b / 255.0).ToArray();
        return Recon(ReconstructionLoss.Bce, logits, x, split.Count, d);
    }

    internal static DataSplit RandomSplit(TestRandom random, int count, int pixels, int classes = 10)
    {
        var labels = random.Ints(count, classes).Select(v => (byte)v).ToArray();
        return new DataSplit(random.Bytes(count * pixels), labels, count, pixels, 1, classes);
    }

    private static float[] ToFloats(double[] values) => Array.ConvertAll(values, v => (float)v);
}

/// <summary>Estimator checks on the managed CPU backend, plus its no-allocation check.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuImportanceSamplingTests(ITestOutputHelper output) : ImportanceSamplingTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);

    [BackendFact]
    public void MoreSamplesAllocateNothingMore()
    {
        var random = new TestRandom(null);
        var config = new ModelConfig(ModelKind.Cvae, 30, 3, [8], [8], 2, Seed: random.NextUInt64());
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, maxBatch: 16);
        var split = RandomSplit(random, 40, config.InputDim, 3);
        using var device = new DeviceSplit(acc, split, split.Count, model.MaxBatch, 3);
        var estimate = new double[split.Count];
        long Allocated(int k)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            ImportanceSampling.NegativeLogLikelihoods(model, device, k, estimate);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(40); // warm-up: JIT and first-call caches
        long few = Allocated(ImportanceSampling.SampleBlock);
        long many = Allocated(8 * ImportanceSampling.SampleBlock);
        Assert.True(many <= few, $"K = {8 * ImportanceSampling.SampleBlock} allocated {many} bytes, " +
            $"K = {ImportanceSampling.SampleBlock} {few}: something allocates per sample");
    }
}

/// <summary>Estimator checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where
/// absent.</summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLImportanceSamplingTests(ITestOutputHelper output) : ImportanceSamplingTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>Estimator checks on CUDA device 0; skipped with the probe's reason where absent.</summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaImportanceSamplingTests(ITestOutputHelper output) : ImportanceSamplingTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}

/// <summary>LogMeanExp on extreme and ordinary values, and the bound's stream numbering.</summary>
public sealed class LogMeanExpTests(ITestOutputHelper output)
{
    [Fact]
    public void HugeAndTinyValuesDoNotOverflow()
    {
        var random = new TestRandom(output);
        foreach (double center in new[] { 1000.0, -1000.0 })
        {
            var values = random.Uniform(random.Next(2, 50), -3, 3).Select(d => center + d).ToArray();
            // log mean exp(c + d) = c + log mean exp(d), the right side computed naively (|d| <= 3).
            double expected = center + Math.Log(values.Select(v => Math.Exp(v - center)).Average());
            double actual = ImportanceSampling.LogMeanExp(values);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected),
                $"center {center}: got {actual:G17}, want {expected:G17}; seed {random.Seed}");
        }
        Assert.Equal(1000.0, ImportanceSampling.LogMeanExp([1000.0, 1000.0, 1000.0]), 12);
        Assert.Equal(double.NegativeInfinity, ImportanceSampling.LogMeanExp([double.NegativeInfinity]));
    }

    [Fact]
    public void SmallValuesMatchTheNaiveFormula()
    {
        var random = new TestRandom(output);
        foreach (int n in new[] { 1, 2, 3, 7, 64, 1001 })
        {
            var values = random.Uniform(n, -5, 5).Select(v => (double)v).ToArray();
            double naive = Math.Log(values.Select(Math.Exp).Sum() / n);
            double actual = ImportanceSampling.LogMeanExp(values);
            Assert.True(Math.Abs(actual - naive) <= 1e-13 + 1e-13 * Math.Abs(naive),
                $"n = {n}: got {actual:G17}, naive {naive:G17}; seed {random.Seed}");
        }
    }

    [Fact]
    public void EverySampleOfEveryChunkHasItsOwnStream()
    {
        foreach (int k in new[] { 1, 7, 100 })
        {
            var streams = new HashSet<ulong>();
            for (long chunk = 0; chunk < 30; chunk++)
                for (int sample = 0; sample < k; sample++)
                    streams.Add(ImportanceSampling.Stream(chunk, k, sample));
            Assert.Equal(30 * k, streams.Count);
        }
        Assert.DoesNotContain(RngStreams.Sample(0), Enumerable.Range(0, 100)
            .Select(s => ImportanceSampling.Stream(0, 100, s))); // apart from the pictures' draws
    }
}
