// Gradient checks of the whole model: VAE, CVAE and AE losses with eps fixed by (seed, step). The
// analytic gradients the model leaves in its arena are compared with float64 central differences of
// a float64 forward written in the test, over a random subset of every parameter tensor; the same
// forward also checks the model's float32 loss sums.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

/// <summary>Full-model gradient checks, written once and run per backend by thin subclasses.</summary>
public abstract class ModelGradientTests(ITestOutputHelper output)
{
    // The loss is a batch mean of sums over 13 pixels and 3 latents; float32 rounding of the forward
    // and backward stays near 1e-6 relative. Measured worst error / tolerance on cpu: about 0.01.
    private const double H = 1e-6, Atol = 2e-5, Rtol = 2e-4;
    private const int PerTensor = 6;

    protected abstract Accelerator CreateAccelerator();

    public static TheoryData<string, ModelKind, Activation, ReconstructionLoss, int[], float> Cases => new()
    {
        { "vae relu bce", ModelKind.Vae, Activation.Relu, ReconstructionLoss.Bce, [7, 5], 1f },
        { "beta-vae tanh mse", ModelKind.Vae, Activation.Tanh, ReconstructionLoss.Mse, [6], 4f },
        { "vae no hidden encoder", ModelKind.Vae, Activation.Sigmoid, ReconstructionLoss.Bce, [], 0.3f },
        { "cvae leaky bce", ModelKind.Cvae, Activation.LeakyRelu, ReconstructionLoss.Bce, [7, 5], 1f },
        { "cvae relu mse", ModelKind.Cvae, Activation.Relu, ReconstructionLoss.Mse, [9], 0.5f },
        { "ae relu bce", ModelKind.Ae, Activation.Relu, ReconstructionLoss.Bce, [7, 5], 0f },
        { "ae cvae-free tanh mse", ModelKind.Ae, Activation.Tanh, ReconstructionLoss.Mse, [], 0f },
    };

    [BackendTheory]
    [MemberData(nameof(Cases))]
    public void LossAndGradientsMatchFloat64(string name, ModelKind kind, Activation activation,
        ReconstructionLoss recon, int[] encoder, float klWeight)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        const int InputDim = 13, Classes = 4, Latent = 3, Batch = 5;
        var config = new ModelConfig(kind, InputDim, kind == ModelKind.Cvae ? Classes : 0, encoder, [6, 4],
            Latent, activation, recon, Beta: klWeight, Seed: (ulong)seed);
        string context = $"{name}, seed {seed}, klWeight {klWeight}";
        output.WriteLine(context);
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, maxBatch: Batch + 3);

        var x = RandomFloats(random, Batch * InputDim, 0, 1);
        var labels = new float[Batch * Classes];
        for (int b = 0; b < Batch; b++) labels[b * Classes + random.Next(Classes)] = 1;
        using var xBuffer = acc.Upload<float>(x);
        using var labelBuffer = acc.Upload<float>(labels);
        var labelView = kind == ModelKind.Cvae ? labelBuffer.View : default;
        model.ComputeGradients(xBuffer, labelView, Batch, klWeight);
        var losses = model.ReadAndResetLosses();
        var p = new float[model.Parameters.Count];
        var grads = new float[model.Parameters.Count];
        model.Parameters.ReadValues(p);
        model.Parameters.ReadGradients(grads);

        // eps of step 0 as the model draws it: normal i of Philox (seed, Train(0)).
        var eps = new double[Batch * Latent];
        for (int i = 0; i < eps.Length; i++) eps[i] = Philox.Normal(config.Seed, RngStreams.Train(0), i);
        var xd = ToDouble(x); var ld = ToDouble(labels); var pd = ToDouble(p);
        double Loss(double[] pp)
        {
            var (r, k) = ModelLoss(config, model.Parameters.Table, pp, xd, ld, eps, Batch);
            return (r.Sum() + klWeight * k.Sum()) / Batch;
        }

        var (reconRows, klRows) = ModelLoss(config, model.Parameters.Table, pd, xd, ld, eps, Batch);
        AssertClose("loss sums (recon, kl)", [(float)losses.ReconSum, (float)losses.KlSum],
            [reconRows.Sum(), klRows.Sum()], 1e-4, 1e-5, context);
        Assert.Equal(Batch, losses.Count);
        if (kind == ModelKind.Ae) Assert.Equal(0, losses.KlSum);

        var indices = new List<int>();
        foreach (var info in model.Parameters.Table)
            for (int j = 0; j < Math.Min(PerTensor, info.Length); j++)
                indices.Add(info.Offset + random.Next(info.Length));
        Float64Reference.CheckGradients(output, "dL/dparams", pd, indices, grads, Loss, H, Atol, Rtol,
            context);
        output.WriteLine($"loss {losses.Total(klWeight):F4}");
    }

    [BackendFact]
    public void GradientsAreZeroedOncePerStep()
    {
        // Two ComputeGradients calls on the same batch and step give the same gradients, not twice them.
        var config = new ModelConfig(ModelKind.Vae, 11, 0, [5], [5], 2, Seed: 7);
        using var acc = CreateAccelerator();
        using var model = new VaeModel(acc, config, 4);
        using var x = acc.Upload<float>(RandomFloats(new System.Random(3), 4 * 11, 0, 1));
        var first = new float[model.Parameters.Count];
        var second = new float[model.Parameters.Count];
        model.ComputeGradients(x, default, 4, 1f);
        model.Parameters.ReadGradients(first);
        model.ComputeGradients(x, default, 4, 1f);
        model.Parameters.ReadGradients(second);
        Assert.Equal(first, second);
        Assert.Contains(first, g => g != 0);
    }
}

/// <summary>Full-model gradient checks on the managed CPU backend.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuModelGradientTests(ITestOutputHelper output) : ModelGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);
}

/// <summary>
/// Full-model gradient checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLModelGradientTests(ITestOutputHelper output) : ModelGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>
/// Full-model gradient checks on CUDA device 0; skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaModelGradientTests(ITestOutputHelper output) : ModelGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}
