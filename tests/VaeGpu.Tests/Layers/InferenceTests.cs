// Forward-only paths against float64: Evaluate with z = mu and with sampled eps (loss sums),
// Encode (mu, logvar) and Decode (logits and sigmoid images), for a VAE, a CVAE and an AE.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

/// <summary>Inference checks, written once and run per backend by thin subclasses.</summary>
public abstract class InferenceTests(ITestOutputHelper output)
{
    // Plain float32 forward of small layers against float64: errors near 1e-6 relative.
    private const double Atol = 1e-5, Rtol = 1e-4;

    protected abstract Accelerator CreateAccelerator();

    [BackendTheory]
    [InlineData(ModelKind.Vae, 1)]
    [InlineData(ModelKind.Vae, 7)]
    [InlineData(ModelKind.Cvae, 5)]
    [InlineData(ModelKind.Ae, 3)]
    public void EvaluateEncodeDecodeMatchFloat64(ModelKind kind, int batch)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        const int InputDim = 17, Classes = 3, Latent = 2;
        var config = new ModelConfig(kind, InputDim, kind == ModelKind.Cvae ? Classes : 0, [11], [7, 5],
            Latent, Activation.Tanh, Seed: (ulong)seed);
        string context = $"{kind}, batch {batch}, seed {seed}";
        output.WriteLine(context);
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, maxBatch: 8);
        var x = RandomFloats(random, batch * InputDim, 0, 1);
        var labels = new float[batch * Classes];
        for (int b = 0; b < batch; b++) labels[b * Classes + random.Next(Classes)] = 1;
        using var xBuffer = acc.Upload<float>(x);
        using var labelBuffer = acc.Upload<float>(labels);
        var labelView = kind == ModelKind.Cvae ? labelBuffer.View : default;
        var p = new float[model.Parameters.Count];
        model.Parameters.ReadValues(p);
        var (xd, ld, pd, table) = (ToDouble(x), ToDouble(labels), ToDouble(p), model.Parameters.Table);

        // Evaluate with z = mu: eps = 0 in the float64 model.
        model.Evaluate(xBuffer, labelView, batch, sampleEps: false);
        var totals = model.ReadAndResetEvalLosses();
        var (recon, kl) = ModelLoss(config, table, pd, xd, ld, new double[batch * Latent], batch);
        AssertClose("evaluate z = mu (recon, kl)", [(float)totals.ReconSum, (float)totals.KlSum],
            [recon.Sum(), kl.Sum()], 1e-4, 1e-5, context);
        Assert.Equal(batch, totals.Count);
        Assert.Equal(0, model.ReadAndResetLosses().Count); // evaluation does not touch the training sums

        // Evaluate with eps from stream Eval(0), then Eval(1).
        for (long counter = 0; counter < 2; counter++)
        {
            model.Evaluate(xBuffer, labelView, batch, sampleEps: true);
            var eps = Enumerable.Range(0, batch * Latent)
                .Select(i => (double)Philox.Normal(config.Seed, RngStreams.Eval(counter), i)).ToArray();
            var sampled = model.ReadAndResetEvalLosses();
            (recon, kl) = ModelLoss(config, table, pd, xd, ld, eps, batch);
            AssertClose($"evaluate sampled {counter}", [(float)sampled.ReconSum, (float)sampled.KlSum],
                [recon.Sum(), kl.Sum()], 1e-4, 1e-5, context);
        }
        Assert.Equal(kind == ModelKind.Ae ? 0 : 2, model.EvalCounter);

        var (mu, logvar) = model.Encode(xBuffer, labelView, batch);
        var (mu64, logvar64) = Encode(config, table, pd, xd, ld, batch);
        AssertClose("encode mu", acc.ToArray(mu.View), mu64, Atol, Rtol, context);
        Assert.Equal(kind == ModelKind.Ae, logvar.IsEmpty);
        if (logvar64 is not null)
            AssertClose("encode logvar", acc.ToArray(logvar.View), logvar64, Atol, Rtol, context);

        var z = RandomFloats(random, batch * Latent, -2, 2);
        using var zBuffer = acc.Upload<float>(z);
        var logits64 = Decode(config, table, pd, ToDouble(z), ld, batch);
        var logits = model.Decode(zBuffer, labelView, batch, images: false);
        AssertClose("decode logits", acc.ToArray(logits.View), logits64, Atol, Rtol, context);
        var images = model.Decode(zBuffer, labelView, batch);
        AssertClose("decode images", acc.ToArray(images.View),
            logits64.Select(l => 1 / (1 + Math.Exp(-l))).ToArray(),
            1e-6, 1e-5, context);
    }

    [BackendFact]
    public void SampleLatentFollowsTheSampleStream()
    {
        var config = ModelConfig.Default with { Seed = 99 };
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, 4);
        using var z = acc.Allocate<float>(3 * config.Latent);
        model.SampleLatent(z, 3, counter: 5);
        var expected = Enumerable.Range(0, 3 * config.Latent)
            .Select(i => (double)Philox.Normal(99, RngStreams.Sample(5), i)).ToArray();
        AssertClose("latent samples", acc.ToArray(z.View), expected, 1e-6, 1e-5, "seed 99, counter 5");
    }

    [BackendFact]
    public void WrongInputsGetOneClearMessage()
    {
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, ModelConfig.Preset("mnist-cvae-400"), 4);
        using var x = acc.Allocate<float>(4 * 784);
        var noLabels = Assert.Throws<ArgumentException>(() => model.Evaluate(x, default, 4, false));
        Assert.Contains("one-hot labels", noLabels.Message);
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(x, x, 5, false));
        Assert.Contains("batch must be in [1, 4], got 5", tooBig.Message);
        using var vae = new VaeModel(acc, ModelConfig.Default, 4);
        var extra = Assert.Throws<ArgumentException>(
            () => vae.TrainStep(x, x, 4, 1, Optimizer.Defaults(OptimizerKind.Adam)));
        Assert.Contains("takes no labels", extra.Message);
        var shortInput = Assert.Throws<ArgumentException>(() => vae.Encode(x.Slice(0, 100), default, 1));
        Assert.Contains("784 needed", shortInput.Message);
    }
}

/// <summary>Inference checks on the managed CPU backend.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuInferenceTests(ITestOutputHelper output) : InferenceTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);
}

/// <summary>
/// Inference checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLInferenceTests(ITestOutputHelper output) : InferenceTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>Inference checks on CUDA device 0; skipped with the probe's reason where absent.</summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaInferenceTests(ITestOutputHelper output) : InferenceTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}
