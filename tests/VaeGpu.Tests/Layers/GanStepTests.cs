// One training step of the gan and the lsgan against float64 code written here: D's loss and every
// one of D's gradients on a real and a fake batch (noise from the model's Philox streams), then D's
// update, then G's loss and every one of G's gradients through the updated D. Gradients are compared
// with central differences of the float64 loss; the uniform noise op is checked bit for bit.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

/// <summary>GAN step checks, written once and run per backend by thin subclasses.</summary>
public abstract class GanStepTests(ITestOutputHelper output)
{
    // Losses are batch means over 5 images through two small MLPs; float32 forward and backward stay
    // near 1e-6 relative, the float64 central difference near 1e-9.
    private const double H = 1e-6, Atol = 2e-5, Rtol = 2e-4;
    private const int InputDim = 13, Noise = 5, Batch = 5;

    protected abstract Accelerator CreateAccelerator();

    [BackendTheory]
    [InlineData(ModelKind.Gan)]
    [InlineData(ModelKind.Lsgan)]
    public void OneStepMatchesFloat64(ModelKind kind)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        string context = $"{kind}, seed {seed}";
        output.WriteLine(context);
        var config = new GanConfig(kind, InputDim, 0, Noise, [9, 6], [7, 11], (ulong)seed);
        using var acc = CreateAccelerator();
        using var model = new GanModel(acc, config, maxBatch: Batch + 2);
        var x = RandomFloats(random, Batch * InputDim, 0, 1);
        using var xBuffer = acc.Upload<float>(x);
        var settings = Optimizer.Defaults(OptimizerKind.Adam, 1e-3f) with { Beta1 = 0.5f };
        var real = ToDouble(x).Select(v => 2 * v - 1).ToArray();
        var zD = NoiseOf(config, RngStreams.DiscriminatorNoise(0));
        var zG = NoiseOf(config, RngStreams.GeneratorNoise(0));
        int g = model.GeneratorCount;

        // D: loss sums and every gradient of D's parameters.
        model.ComputeDiscriminatorGradients(xBuffer, default, Batch);
        var dLosses = model.ReadAndResetLosses();
        var p = Read(model, values: true);
        var grads = Read(model, values: false);
        var table = model.Parameters.Table;
        double DLoss(double[] pp)
        {
            var onReal = Discriminator(config, table, pp, real);
            var onFake = Discriminator(config, table, pp, Generator(config, table, pp, zD));
            return (Loss(kind, onReal, 1).Sum() + Loss(kind, onFake, 0).Sum()) / Batch;
        }
        var pd = ToDouble(p);
        var dReal = Discriminator(config, table, pd, real);
        var dFake = Discriminator(config, table, pd, Generator(config, table, pd, zD));
        AssertClose("d_loss, d_real, d_fake sums",
            [(float)dLosses.DLossSum, (float)dLosses.DRealSum, (float)dLosses.DFakeSum],
            [DLoss(pd) * Batch, dReal.Sum(Sigmoid), dFake.Sum(Sigmoid)], 1e-4, 1e-5, context);
        Assert.Equal(Batch, dLosses.Count);
        CheckGradients("dL_D/dD", pd, grads, g, p.Length, DLoss, context);

        // D's update touches D's slice only; G then trains through the updated D on fresh noise.
        model.StepDiscriminator(settings);
        var afterD = Read(model, values: true);
        Assert.Equal(p.AsSpan(0, g).ToArray(), afterD.AsSpan(0, g).ToArray());
        Assert.Contains(Enumerable.Range(g, p.Length - g), i => afterD[i] != p[i]);
        model.ComputeGeneratorGradients(default, Batch);
        var gLosses = model.ReadAndResetLosses();
        grads = Read(model, values: false);
        var pa = ToDouble(afterD);
        double GLoss(double[] pp) =>
            Loss(kind, Discriminator(config, table, pp, Generator(config, table, pp, zG)), 1).Sum() / Batch;
        AssertClose("g_loss sum", [(float)gLosses.GLossSum], [GLoss(pa) * Batch], 1e-4, 1e-5, context);
        CheckGradients("dL_G/dG", pa, grads, 0, g, GLoss, context);
        output.WriteLine($"d_loss {dLosses.DLossSum / Batch:F5}, g_loss {gLosses.GLossSum / Batch:F5}");
    }

    [BackendFact]
    public void FillUniformMatchesHostPhilox()
    {
        int seed = TestRandom.FreshSeed();
        output.WriteLine($"seed {seed}");
        using var acc = CreateAccelerator();
        foreach (int n in new[] { 1, 3, 4, 7, 1001 })
        {
            using var buffer = acc.Allocate<float>(n);
            ulong stream = RngStreams.GeneratorNoise(seed % 977);
            acc.FillUniform(buffer, n, -1f, 1f, (ulong)seed, stream);
            var actual = acc.ToArray(buffer.View);
            var expected = Enumerable.Range(0, n)
                .Select(i => -1f + 2f * Philox.Uniform((ulong)seed, stream, i)).ToArray();
            Assert.Equal(expected, actual);
            Assert.All(actual, v => Assert.InRange(v, -1f, 1f));
        }
    }

    private void CheckGradients(string what, double[] p, float[] grads, int first, int end,
        Func<double[], double> loss, string context) =>
        Float64Reference.CheckGradients(output, what, p, Enumerable.Range(first, end - first).ToList(), grads,
            loss, H, Atol, Rtol, context);

    /// <summary>
    /// TrainStep runs G once on both noise batches of a step (GanModel.PairsPasses); three steps of it
    /// end with the parameters, Adam state and losses of the two half steps called one by one (a G pass
    /// each), bit for bit, for the unconditional and the conditional GAN.
    /// </summary>
    [BackendTheory]
    [InlineData(ModelKind.Gan)]
    [InlineData(ModelKind.Cgan)]
    public void TrainStepEqualsTheHalfStepsBitForBit(ModelKind kind)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        int classes = kind == ModelKind.Cgan ? 3 : 0;
        var config = new GanConfig(kind, InputDim, classes, Noise, [9, 6], [7, 11], (ulong)seed);
        using var acc = CreateAccelerator();
        using var paired = new GanModel(acc, config, maxBatch: Batch + 2);
        using var halves = new GanModel(acc, config, maxBatch: Batch + 2);
        Assert.True(paired.PairsPasses);
        using var xBuffer = acc.Upload<float>(RandomFloats(random, Batch * InputDim, 0, 1));
        var onehot = new float[Batch * Math.Max(classes, 1)];
        for (int r = 0; r < Batch && classes > 0; r++) onehot[r * classes + r % classes] = 1;
        using var yBuffer = acc.Upload<float>(onehot);
        BufferView<float> labels = classes > 0 ? yBuffer.View : default;
        var settings = Optimizer.Defaults(OptimizerKind.Adam, 1e-3f) with { Beta1 = 0.5f };
        for (int step = 0; step < 3; step++)
        {
            paired.TrainStep(xBuffer, labels, Batch, settings);
            halves.ComputeDiscriminatorGradients(xBuffer, labels, Batch);
            halves.StepDiscriminator(settings);
            halves.ComputeGeneratorGradients(labels, Batch);
            halves.StepGenerator(settings);
            halves.StepCount++;
        }
        Assert.Equal(halves.ReadAndResetLosses(), paired.ReadAndResetLosses());
        foreach (var (name, pick) in new (string, Func<GanModel, DeviceBuffer<float>>)[]
                 {
                     ("values", m => m.Parameters.Values), ("gradients", m => m.Parameters.Gradients),
                     ("Adam m", m => m.Parameters.State1), ("Adam v", m => m.Parameters.State2),
                 })
        {
            float[] expected = acc.ToArray<float>(pick(halves)), actual = acc.ToArray<float>(pick(paired));
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{kind} {name} differ after 3 steps (seed {seed})");
        }
    }

    private static double[] NoiseOf(GanConfig config, ulong stream) =>
        Enumerable.Range(0, Batch * config.Noise)
            .Select(i => -1.0 + 2.0 * Philox.Uniform(config.Seed, stream, i)).ToArray();

    // G: Linear + ReLU per hidden layer, Linear + Tanh on top; D: Linear + LeakyReLU, Linear on top.
    private static double[] Generator(GanConfig c, IReadOnlyList<ParameterInfo> table, double[] p,
        double[] z) => Stack(table, p, z, "generator", c.Noise, c.GHidden, c.InputDim, Activation.Relu,
            Activation.Tanh);

    private static double[] Discriminator(GanConfig c, IReadOnlyList<ParameterInfo> table, double[] p,
        double[] images) => Stack(table, p, images, "discriminator", c.InputDim, c.DHidden, 1,
            Activation.LeakyRelu, Activation.Identity);

    private static double[] Stack(IReadOnlyList<ParameterInfo> table, double[] p, double[] x, string prefix,
        int input, int[] hidden, int output, Activation act, Activation last)
    {
        int width = input;
        for (int i = 0; i <= hidden.Length; i++)
        {
            bool top = i == hidden.Length;
            int next = top ? output : hidden[i];
            int w = table.Single(t => t.Name == $"{prefix}.{2 * i}.weight").Offset;
            int b = table.Single(t => t.Name == $"{prefix}.{2 * i}.bias").Offset;
            x = LinearForward(x, Batch, width, next, p, w, b, top ? last : act);
            width = next;
        }
        return x;
    }

    // Per-image loss of logits against a constant target: BCE on logits, or 0.5 (l - t)^2 for the lsgan.
    private static double[] Loss(ModelKind kind, double[] logits, double target) => logits.Select(l =>
        kind == ModelKind.Lsgan ? 0.5 * (l - target) * (l - target)
            : Math.Max(l, 0) - l * target + Math.Log(1 + Math.Exp(-Math.Abs(l)))).ToArray();

    private static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));

    private static float[] Read(GanModel model, bool values)
    {
        var result = new float[model.Parameters.Count];
        if (values) model.Parameters.ReadValues(result); else model.Parameters.ReadGradients(result);
        return result;
    }
}

/// <summary>GAN step checks on the managed CPU backend.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuGanStepTests(ITestOutputHelper output) : GanStepTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);
}

/// <summary>
/// GAN step checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLGanStepTests(ITestOutputHelper output) : GanStepTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>GAN step checks on CUDA device 0; skipped with the probe's reason where absent.</summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaGanStepTests(ITestOutputHelper output) : GanStepTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}
