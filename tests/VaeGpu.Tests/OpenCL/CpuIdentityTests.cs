// The OpenCL kernels compute what the cpu backend computes, bit for bit, for the ops an MLP GAN trains
// with: the GEMM (the cpu's depth blocks, fused multiply-adds from zero, the sum added into C, bias and
// activation after the last block), tanh and the BCE gradient (our own exp, no device library), column
// sums in the cpu's order, Adam, the uniform noise and the affine map. A chaotic training run (a GAN)
// only stays together across backends this way (GanRunnerTests.OpenCLGanRunnerTests). Products and sums
// are IEEE on every conformant OpenCL device; divides and square roots only where the device rounds them
// correctly, as PoCL does: there everything is asserted, elsewhere those ops are printed.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.OpenCL;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.OpenCL;

public sealed class CpuIdentityTests(ITestOutputHelper output)
{
    private readonly TestRandom _rng = new(output);

    [OpenCLFact]
    public void GemmEqualsCpuBitForBitInEveryLayoutWithSeveralDepthBlocks()
    {
        using var cpu = new CpuAccelerator(2);
        using var cl = OpenCLAccelerator.Create(0);
        // Depths of one block, of several equal blocks (784 = 4 x 196 rounded to 200) and a ragged one.
        // Thin ones (one column, one row, depth one) take the cpu's own loops (CpuAccelerator.ThinGemm).
        var shapes = new[]
        {
            (1, 1, 1), (128, 256, 784), (130, 47, 1030), (7, 33, 300), (65, 1, 96), (256, 1, 256),
            (1, 256, 256), (256, 256, 1), (37, 1, 1030),
        };
        var epilogues = new[]
        {
            (false, Activation.Tanh), (true, Activation.LeakyRelu), (true, Activation.Identity),
        };
        foreach (var (m, n, k) in shapes)
            foreach (var layout in Enum.GetValues<GemmLayout>())
                foreach (var (accumulate, activation) in epilogues)
                {
                    float[] a = _rng.Uniform(m * k, -1, 1), b = _rng.Uniform(k * n, -1, 1);
                    float[] c0 = _rng.Uniform(m * n, -1, 1), bias = _rng.Uniform(n, -1, 1);
                    float[] Run(Accelerator acc)
                    {
                        using var da = acc.Upload<float>(a);
                        using var db = acc.Upload<float>(b);
                        using var dc = acc.Upload<float>(c0);
                        using var dbias = acc.Upload<float>(bias);
                        acc.Gemm(layout, m, n, k, da, db, dc, accumulate, dbias, activation);
                        return acc.ToArray<float>(dc);
                    }
                    // Tanh divides; everything else is products and sums.
                    Same(cl, Run(cpu), Run(cl), activation == Activation.Tanh,
                        $"Gemm {layout} {m}x{n}x{k} accumulate={accumulate} {activation}");
                }
    }

    [OpenCLFact]
    public void GanStepOpsEqualCpuBitForBit()
    {
        using var cpu = new CpuAccelerator(2);
        using var cl = OpenCLAccelerator.Create(0);
        const int Rows = 131, Cols = 37;
        float[] x = _rng.Uniform(Rows * Cols, -30, 30), y = _rng.Uniform(Rows * Cols, -1, 1);
        float[] targets = _rng.Uniform(Rows * Cols, 0, 1), sums = _rng.Uniform(Cols, -1, 1);
        float[] grads = _rng.Uniform(Rows * Cols, -1e-3f, 1e-3f);
        float[] m = _rng.Uniform(Rows * Cols, -1e-3f, 1e-3f);
        float[] v = _rng.Uniform(Rows * Cols, 0, 1e-6f);

        float[] Tanh(Accelerator acc)
        {
            using var dx = acc.Upload<float>(x);
            acc.ActivationForward(Activation.Tanh, dx, dx, x.Length);
            return acc.ToArray<float>(dx);
        }
        Same(cl, Tanh(cpu), Tanh(cl), true, "tanh forward");

        float[] Bce(Accelerator acc)
        {
            using var dl = acc.Upload<float>(x);
            using var dt = acc.Upload<float>(targets);
            using var rowLoss = acc.Allocate<float>(Rows);
            using var dlogits = acc.Allocate<float>(Rows * Cols);
            acc.BceWithLogits(dl, dt, Rows, Cols, rowLoss, dlogits, 1f / Rows);
            return acc.ToArray<float>(dlogits);
        }
        Same(cl, Bce(cpu), Bce(cl), true, "BCE-with-logits gradient");

        float[] BiasGrad(Accelerator acc)
        {
            using var dy = acc.Upload<float>(x);
            using var dout = acc.Upload<float>(y);
            using var ds = acc.Upload<float>(sums);
            acc.ActivationBackwardColumnSum(Activation.LeakyRelu, dout, dy, dy, Rows, Cols, ds,
                accumulate: true);
            acc.ColumnSum(dy, Rows, Cols, ds, accumulate: true);
            return [.. acc.ToArray<float>(ds), .. acc.ToArray<float>(dy)];
        }
        Same(cl, BiasGrad(cpu), BiasGrad(cl), false, "activation backward and column sums, accumulating");

        float[] Adam(Accelerator acc)
        {
            using var dp = acc.Upload<float>(y);
            using var dg = acc.Upload<float>(grads);
            using var dm = acc.Upload<float>(m);
            using var dv = acc.Upload<float>(v);
            acc.OptimizerStep(new OptimizerParams(OptimizerKind.Adam, 1e-3f, 7, 0.5f, 0.999f), dp, dg, dm, dv,
                y.Length);
            return [.. acc.ToArray<float>(dp), .. acc.ToArray<float>(dm), .. acc.ToArray<float>(dv)];
        }
        Same(cl, Adam(cpu), Adam(cl), true, "Adam step");

        float[] Noise(Accelerator acc)
        {
            using var z = acc.Allocate<float>(Rows * Cols);
            acc.FillUniform(z, Rows * Cols, -1f, 1f, 12345, 678);
            acc.Affine(z, z, Rows * Cols, 2f, -1f);
            return acc.ToArray<float>(z);
        }
        Same(cl, Noise(cpu), Noise(cl), false, "uniform noise and the affine map");
    }

    /// <summary>True for PoCL's CPU device (named pthread-... or cpu-...), whose divides and square roots
    /// are IEEE's.</summary>
    internal static bool IsPocl(Accelerator device) =>
        device.Name.Contains("(pthread", StringComparison.Ordinal)
        || device.Name.Contains("(cpu-", StringComparison.Ordinal);

    // Asserts equal bits; for ops that divide or take square roots, only on PoCL (IEEE there).
    private void Same(Accelerator cl, float[] cpu, float[] device, bool divides, string what)
    {
        int differ = 0, first = -1;
        for (int i = 0; i < cpu.Length; i++)
            if (BitConverter.SingleToInt32Bits(cpu[i]) != BitConverter.SingleToInt32Bits(device[i]))
                if (differ++ == 0) first = i;
        output.WriteLine($"{what}: {differ} of {cpu.Length} values differ");
        if (differ == 0 || (divides && !IsPocl(cl))) return;
        Assert.Fail($"{what}: {differ} values differ from cpu's, the first at {first}: cpu {cpu[first]:R}, "
            + $"{cl.Name} {device[first]:R} (seed {_rng.Seed})");
    }
}
