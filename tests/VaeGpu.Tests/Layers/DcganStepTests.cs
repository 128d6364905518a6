// One training step of the dcgan against float64 code written here from the issue's layer list, at a
// reduced, non-square size with awkward channel counts: (2, 16, 20) images, D channels 3, 5, G width 7
// and channels 6, 4. D's loss and every D gradient on a real and a fake batch, the batch norms'
// running statistics after each training-mode pass of G (momentum 0.1, unbiased variance), D's update,
// G's loss and every G gradient through the updated D, and an eval-mode Generate (running statistics).
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.ConvLayerReference;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

/// <summary>dcgan step checks, written once and run per backend by thin subclasses.</summary>
public abstract class DcganStepTests(ITestOutputHelper output)
{
    // Batch means over 7 images; the same tolerances as the MLP GANs' check (float32 forward and
    // backward near 1e-6 relative, the float64 central difference near 1e-9).
    private const double H = 1e-6, Atol = 2e-5, Rtol = 2e-4;
    private const int Noise = 5, Batch = 7, Width = 7;
    private static readonly ImageShape Image = new(2, 16, 20);
    private static readonly int[] DChannels = [3, 5], GChannels = [6, 4];

    protected abstract Accelerator CreateAccelerator();

    [BackendFact]
    public void OneStepMatchesFloat64()
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        string context = $"dcgan, seed {seed}";
        output.WriteLine(context);
        var config = new GanConfig(ModelKind.Dcgan, Image.Size, 0, Noise, null, [Width], (ulong)seed, Image,
            DChannels, GChannels);
        using var acc = CreateAccelerator();
        using var model = new GanModel(acc, config, maxBatch: Batch + 2);
        var net = new Reference(model.Parameters.Table);
        var x = RandomFloats(random, Batch * Image.Size, 0, 1);
        using var xBuffer = acc.Upload<float>(x);
        var settings = Optimizer.Defaults(OptimizerKind.Adam, 1e-3f) with { Beta1 = 0.5f };
        var real = ToDouble(x).Select(v => 2 * v - 1).ToArray();
        var zD = NoiseOf(config, RngStreams.DiscriminatorNoise(0));
        var zG = NoiseOf(config, RngStreams.GeneratorNoise(0));
        int g = model.GeneratorCount;
        var initial = ToDouble(Read(model, values: true));

        // D: loss sums and every gradient of D's parameters; G ran once in training mode.
        model.ComputeDiscriminatorGradients(xBuffer, default, Batch);
        var dLosses = model.ReadAndResetLosses();
        var p = Read(model, values: true);
        var grads = Read(model, values: false);
        double DLoss(double[] pp) => (Bce(net.Discriminator(pp, real), 1).Sum()
            + Bce(net.Discriminator(pp, net.Generator(pp, zD)), 0).Sum()) / Batch;
        var pd = ToDouble(p);
        var dReal = net.Discriminator(pd, real);
        var dFake = net.Discriminator(pd, net.Generator(pd, zD));
        AssertClose("d_loss, d_real, d_fake sums",
            [(float)dLosses.DLossSum, (float)dLosses.DRealSum, (float)dLosses.DFakeSum],
            [DLoss(pd) * Batch, dReal.Sum(Sigmoid), dFake.Sum(Sigmoid)], 1e-4, 1e-5, context);
        CheckGradients("dL_D/dD", pd, grads, g, p.Length, DLoss, context);
        var afterOne = net.RunningAfter(initial, zD);
        CheckRunning("running statistics after G's pass in the D step", p, afterOne, initial, net, context);

        // D's update touches D's slice only; G then trains through the updated D on fresh noise.
        model.StepDiscriminator(settings);
        var afterD = Read(model, values: true);
        Assert.Equal(p.AsSpan(0, g).ToArray(), afterD.AsSpan(0, g).ToArray());
        model.ComputeGeneratorGradients(default, Batch);
        var gLosses = model.ReadAndResetLosses();
        grads = Read(model, values: false);
        var pa = ToDouble(afterD);
        double GLoss(double[] pp) => Bce(net.Discriminator(pp, net.Generator(pp, zG)), 1).Sum() / Batch;
        AssertClose("g_loss sum", [(float)gLosses.GLossSum], [GLoss(pa) * Batch], 1e-4, 1e-5, context);
        CheckGradients("dL_G/dG", pa, grads, 0, g, GLoss, context);
        var afterTwo = net.RunningAfter(afterOne, zG);
        var beforeG = Read(model, values: true);
        CheckRunning("running statistics after G's pass in the G step", beforeG, afterTwo, afterOne, net,
            context);

        // G's update moves its weights but leaves the running statistics (no gradient) alone.
        model.StepGenerator(settings);
        var afterG = Read(model, values: true);
        foreach (int i in net.RunningIndices) Assert.Equal(beforeG[i], afterG[i]);
        Assert.Contains(Enumerable.Range(0, g), i => afterG[i] != beforeG[i]);

        // Eval mode: Generate normalizes with the running statistics, like PyTorch's model.eval().
        var z = RandomFloats(random, 3 * Noise, -1, 1);
        using var zBuffer = acc.Upload<float>(z);
        var images = acc.ToArray(model.Generate(zBuffer, default, 3).View);
        AssertClose("eval-mode Generate", images, net.Generator(ToDouble(afterG), ToDouble(z), 3, false),
            1e-5, 1e-4, context);
        output.WriteLine($"d_loss {dLosses.DLossSum / Batch:F5}, g_loss {gLosses.GLossSum / Batch:F5}");
    }

    private void CheckGradients(string what, double[] p, float[] grads, int first, int end,
        Func<double[], double> loss, string context) =>
        Float64Reference.CheckGradients(output, what, p, Enumerable.Range(first, end - first).ToList(), grads,
            loss, H, Atol, Rtol, context);

    private static void CheckRunning(string what, float[] actual, double[] expected, double[] before,
        Reference net, string context)
    {
        var indices = net.RunningIndices;
        AssertClose(what, [.. indices.Select(i => actual[i])], [.. indices.Select(i => expected[i])], 1e-5,
            1e-4, context, indices);
        Assert.Contains(indices, i => Math.Abs(expected[i] - before[i]) > 1e-3); // they moved
    }

    private static double[] NoiseOf(GanConfig config, ulong stream) =>
        Enumerable.Range(0, Batch * config.Noise)
            .Select(i => -1.0 + 2.0 * Philox.Uniform(config.Seed, stream, i)).ToArray();

    private static double[] Bce(double[] logits, double target) =>
        logits.Select(l => Math.Max(l, 0) - l * target + Math.Log(1 + Math.Exp(-Math.Abs(l)))).ToArray();

    private static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));

    private static float[] Read(GanModel model, bool values)
    {
        var result = new float[model.Parameters.Count];
        if (values) model.Parameters.ReadValues(result); else model.Parameters.ReadGradients(result);
        return result;
    }

    /// <summary>The issue's dcgan in float64, parameters looked up by their PyTorch names.</summary>
    private sealed class Reference(IReadOnlyList<ParameterInfo> table)
    {
        private static readonly ImageShape Small = new(GChannels[0], Image.Height / 4, Image.Width / 4);
        private static readonly ImageShape Middle = new(GChannels[1], Image.Height / 2, Image.Width / 2);
        private static readonly string[] Norms = ["generator.2", "generator.5", "generator.9"];

        /// <summary>Arena indices of every running_mean and running_var entry.</summary>
        public IReadOnlyList<int> RunningIndices { get; } = [.. table
            .Where(t => t.Name.EndsWith(".running_mean", StringComparison.Ordinal)
                || t.Name.EndsWith(".running_var", StringComparison.Ordinal))
            .SelectMany(t => Enumerable.Range(t.Offset, t.Length))];

        private int At(string name) => table.Single(t => t.Name == name).Offset;

        public double[] Generator(double[] p, double[] z) => Generator(p, z, Batch, true);

        // Linear ReLU BatchNorm1d Linear ReLU BatchNorm1d Unflatten ConvT ReLU BatchNorm2d ConvT Tanh.
        public double[] Generator(double[] p, double[] z, int batch, bool training,
            List<double[]>? normInputs = null)
        {
            var h = LinearForward(z, batch, Noise, Width, p, At("generator.0.weight"), At("generator.0.bias"),
                Activation.Relu);
            h = Norm(training, batch, ImageShape.Flat(Width), h, p, "generator.2", normInputs);
            h = LinearForward(h, batch, Width, Small.Size, p, At("generator.3.weight"),
                At("generator.3.bias"), Activation.Relu);
            h = Norm(training, batch, ImageShape.Flat(Small.Size), h, p, "generator.5", normInputs);
            h = Conv(Transposed(Small, Middle), batch, h, p, At("generator.7.weight"),
                At("generator.7.bias"));
            h = Array.ConvertAll(h, v => Act(Activation.Relu, v));
            h = Norm(training, batch, Middle, h, p, "generator.9", normInputs);
            h = Conv(Transposed(Middle, Image), batch, h, p, At("generator.10.weight"),
                At("generator.10.bias"));
            return Array.ConvertAll(h, Math.Tanh);
        }

        // Conv2d(5) LeakyReLU MaxPool2d(2) twice, Flatten, Linear LeakyReLU, Linear.
        public double[] Discriminator(double[] p, double[] images)
        {
            var shape = Image;
            var h = images;
            string[] convs = ["discriminator.0", "discriminator.3"];
            for (int i = 0; i < 2; i++)
            {
                var g = new Conv2dGeometry(shape.Channels, shape.Height, shape.Width, DChannels[i], 5, 5);
                h = Conv(g, Batch, h, p, At(convs[i] + ".weight"), At(convs[i] + ".bias"));
                h = Array.ConvertAll(h, v => Act(Activation.LeakyRelu, v));
                var pool = new Pool2dGeometry(DChannels[i], g.OutHeight, g.OutWidth, 2, 2);
                h = MaxPool(pool, Batch, h);
                shape = new ImageShape(DChannels[i], pool.OutHeight, pool.OutWidth);
            }
            int f = shape.Size;
            h = LinearForward(h, Batch, f, f, p, At("discriminator.7.weight"), At("discriminator.7.bias"),
                Activation.LeakyRelu);
            return LinearForward(h, Batch, f, 1, p, At("discriminator.9.weight"), At("discriminator.9.bias"),
                Activation.Identity);
        }

        /// <summary>p with each norm's running statistics moved by one training-mode pass of G on z:
        /// (1 - 0.1) old + 0.1 batch mean, and the same with the unbiased batch variance.</summary>
        public double[] RunningAfter(double[] p, double[] z)
        {
            var inputs = new List<double[]>();
            Generator(p, z, Batch, true, inputs);
            var result = (double[])p.Clone();
            ImageShape[] shapes = [ImageShape.Flat(Width), ImageShape.Flat(Small.Size), Middle];
            for (int k = 0; k < Norms.Length; k++)
            {
                int channels = shapes[k].Channels, spatial = shapes[k].Height * shapes[k].Width;
                int mean = At(Norms[k] + ".running_mean"), variance = At(Norms[k] + ".running_var");
                for (int c = 0; c < channels; c++)
                {
                    var values = Enumerable.Range(0, Batch).SelectMany(n => Enumerable.Range(0, spatial)
                        .Select(s => inputs[k][(n * channels + c) * spatial + s])).ToArray();
                    double m = values.Average();
                    double unbiased = values.Sum(v => (v - m) * (v - m)) / (values.Length - 1);
                    result[mean + c] = 0.9 * p[mean + c] + 0.1 * m;
                    result[variance + c] = 0.9 * p[variance + c] + 0.1 * unbiased;
                }
            }
            return result;
        }

        private double[] Norm(bool training, int batch, ImageShape shape, double[] x, double[] p, string name,
            List<double[]>? inputs)
        {
            inputs?.Add(x);
            return BatchNorm(training, batch, shape, x, p, At(name + ".weight"), At(name + ".bias"),
                At(name + ".running_mean"), At(name + ".running_var"));
        }

        private static Conv2dGeometry Transposed(ImageShape input, ImageShape output) =>
            new(input.Channels, input.Height, input.Width, output.Channels, 4, 4, 2, 1, 0, true);
    }
}

/// <summary>dcgan step checks on the managed CPU backend.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuDcganStepTests(ITestOutputHelper output) : DcganStepTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);
}

/// <summary>
/// dcgan step checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLDcganStepTests(ITestOutputHelper output) : DcganStepTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>dcgan step checks on CUDA device 0; skipped with the probe's reason where absent.</summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaDcganStepTests(ITestOutputHelper output) : DcganStepTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}

/// <summary>The dcgan's layer list, PyTorch names and image-size rules (no device needed).</summary>
public sealed class DcganLayoutTests
{
    [Fact]
    public void LayoutIsTheIssuesNetworkWithPyTorchNames()
    {
        var config = new GanConfig(ModelKind.Dcgan, 784, Image: new ImageShape(1, 28, 28));
        var arch = GanArchitecture.Of(config);
        Assert.Equal(["Linear", "ReLU", "BatchNorm1d", "Linear", "ReLU", "BatchNorm1d", "Unflatten",
            "ConvTranspose2d", "ReLU", "BatchNorm2d", "ConvTranspose2d", "Tanh"],
            arch.Generator.Select(s => s.Type));
        Assert.Equal(["Conv2d", "LeakyReLU", "MaxPool2d", "Conv2d", "LeakyReLU", "MaxPool2d", "Flatten",
            "Linear", "LeakyReLU", "Linear"], arch.Discriminator.Select(s => s.Type));
        var shapes = arch.ParameterShapes().ToDictionary(e => e.Name, e => e.Shape);
        Assert.Equal([1024, 96], shapes["generator.0.weight"]);
        Assert.Equal([1024], shapes["generator.2.running_mean"]);
        Assert.Equal([128 * 7 * 7, 1024], shapes["generator.3.weight"]);
        Assert.Equal([6272], shapes["generator.5.running_var"]);
        Assert.Equal([128, 64, 4, 4], shapes["generator.7.weight"]);
        Assert.Equal([64], shapes["generator.9.weight"]);
        Assert.Equal([64, 1, 4, 4], shapes["generator.10.weight"]);
        Assert.Equal([32, 1, 5, 5], shapes["discriminator.0.weight"]);
        Assert.Equal([64, 32, 5, 5], shapes["discriminator.3.weight"]);
        Assert.Equal([1024, 1024], shapes["discriminator.7.weight"]); // F = 64 x 4 x 4 on 28x28
        Assert.Equal([1, 1024], shapes["discriminator.9.weight"]);
        // USPS: (16 - 4) / 2 = 6, (6 - 4) / 2 = 1, so F = 64.
        var usps = GanArchitecture.Of(new GanConfig(ModelKind.Dcgan, 256, Image: new ImageShape(1, 16, 16)));
        Assert.Equal([64, 64], usps.ParameterShapes().Single(e => e.Name == "discriminator.7.weight").Shape);
        Assert.Contains("16x16", new GanConfig(ModelKind.Dcgan, 144, Image: new ImageShape(1, 12, 12))
            .ConvProblem());
        Assert.Contains("divisible by 4", new GanConfig(ModelKind.Dcgan, 18 * 18,
            Image: new ImageShape(1, 18, 18)).ConvProblem());
        Assert.Null(new GanConfig(ModelKind.Dcgan, 16 * 20, Image: new ImageShape(1, 16, 20)).ConvProblem());
    }
}
