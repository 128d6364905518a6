// The CPU backend's packed GEMM against plain float64 GEMM written here: every layout, with and
// without accumulate and bias, every activation, awkward sizes (1, primes, edges of the MR/NR
// tiles and of the KC/MC blocks), views at odd offsets, each supported micro-kernel, 1-3 threads.
// Also checks determinism: two runs, and runs with different thread counts, are bit-identical; and
// that thin products (one row, one column or depth one) equal the packed path's bit for bit.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

public sealed class CpuGemmTests(ITestOutputHelper output)
{
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (1, 9, 3), (7, 1, 5), (5, 17, 1), (6, 16, 8), (4, 8, 2), (13, 31, 257), (12, 33, 256),
        (37, 53, 300), (97, 61, 513), (150, 35, 17), (145, 7, 3), (3, 4111, 11), (29, 130, 129),
        // Thin products (CpuAccelerator.ThinGemm): one column, one row, depth one, with several depth blocks.
        (257, 1, 700), (1, 203, 601), (131, 77, 1), (1, 1, 530),
    ];

    // Thin shapes of every kind: a layer with one output (forward, input and weight gradients at the
    // GAN's sizes), and awkward ones around the vector width and the depth blocks.
    private static readonly (int M, int N, int K)[] ThinSizes =
    [
        (256, 1, 256), (256, 256, 1), (1, 256, 256), (1, 1, 1), (9, 1, 7), (1, 9, 7), (7, 9, 1),
        (70, 1, 1030), (1, 70, 1030), (1, 1, 784), (3, 1, 1), (1, 3, 1), (1, 1, 9), (129, 1, 17),
        (1, 129, 17),
    ];

    private static readonly int[] ThreadCounts = [1, 2, 3];

    public static IEnumerable<object[]> Kernels() =>
        new[] { CpuGemmKernel.Avx512, CpuGemmKernel.Avx2, CpuGemmKernel.Portable }
            .Where(CpuGemmKernels.IsSupported).Select(kernel => new object[] { kernel });

    [Theory]
    [MemberData(nameof(Kernels))]
    internal void MatchesFloat64ReferenceForEveryLayoutAndEpilogue(CpuGemmKernel kernel)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, kernel {kernel}");
        var random = new Random(seed);
        var cpus = ThreadCounts.Select(threads => new CpuAccelerator(threads, kernel)).ToArray();
        try
        {
            foreach (var (m, n, k) in Sizes)
                foreach (var layout in Enum.GetValues<GemmLayout>())
                    CheckSize(cpus, random, layout, m, n, k);
        }
        finally
        {
            foreach (var cpu in cpus) cpu.Dispose();
        }
    }

    // Products of many pipelined steps (several row blocks, depth slices and column panels), where the
    // workers hand packs and tiles to each other without a barrier between steps: every thread count
    // (3 on 2 cores interleaves them most) gives threads=1's bits, run after run.
    [Theory]
    [InlineData(GemmLayout.NN, 290, 2090, 530)]
    [InlineData(GemmLayout.NT, 150, 2050, 260)]
    [InlineData(GemmLayout.TN, 300, 130, 700)]
    [InlineData(GemmLayout.NT, 100, 20, 1030)]
    [InlineData(GemmLayout.NN, 64, 6272, 512)] // the conv VAE's: one row block, a thin last panel
    public void ManyStepProductsAreTheSameForEveryThreadCount(GemmLayout layout, int m, int n, int k)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n);
        float[] c0 = RandomArray(random, m * n), bias = RandomArray(random, n);
        double[] expected = Epilogue(Reference(layout, m, n, k, a, b), c0, true, bias, Activation.Tanh, n);
        float[]? first = null;
        foreach (int threads in ThreadCounts)
        {
            using var cpu = new CpuAccelerator(threads);
            for (int run = 0; run < (threads == 1 ? 1 : 8); run++)
            {
                float[] got = Run(cpu, layout, m, n, k, a, b, c0, true, bias, Activation.Tanh);
                string what = $"{layout} m={m} n={n} k={k} threads={threads} run {run}";
                if (first is null)
                {
                    AssertClose(expected, got, k, what);
                    first = got;
                }
                else AssertBitIdentical(first, got, what + " (against threads=1)");
            }
        }
    }

    [Fact]
    public void ThinProductsEqualThePackedPathBitForBit()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var cpu = new CpuAccelerator(2);
        foreach (var (m, n, k) in ThinSizes)
            foreach (var layout in Enum.GetValues<GemmLayout>())
            {
                float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n);
                float[] c0 = RandomArray(random, m * n), bias = RandomArray(random, n);
                foreach (bool accumulate in new[] { false, true })
                    foreach (bool withBias in new[] { false, true })
                        foreach (var activation in Enum.GetValues<Activation>())
                        {
                            float[]? on = withBias ? bias : null;
                            float[] Product(bool thin)
                            {
                                cpu.ThinGemm = thin;
                                return Run(cpu, layout, m, n, k, a, b, c0, accumulate, on, activation);
                            }
                            AssertBitIdentical(Product(false), Product(true), $"{layout} m={m} n={n} k={k} "
                                + $"accumulate={accumulate} bias={withBias} {activation}");
                        }
            }
    }

    private void CheckSize(CpuAccelerator[] cpus, Random random, GemmLayout layout, int m, int n, int k)
    {
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n);
        float[] c0 = RandomArray(random, m * n), bias = RandomArray(random, n);
        double[] product = Reference(layout, m, n, k, a, b);
        foreach (bool accumulate in new[] { false, true })
            foreach (bool withBias in new[] { false, true })
                foreach (var activation in Enum.GetValues<Activation>())
                {
                    float[]? biasOrNull = withBias ? bias : null;
                    double[] expected = Epilogue(product, c0, accumulate, biasOrNull, activation, n);
                    float[]? first = null;
                    foreach (var cpu in cpus)
                    {
                        string what = $"{layout} m={m} n={n} k={k} accumulate={accumulate} bias={withBias} " +
                            $"{activation} threads={cpu.Threads} kernel={cpu.GemmKernel}";
                        float[] got = Run(cpu, layout, m, n, k, a, b, c0, accumulate, biasOrNull, activation);
                        AssertClose(expected, got, k, what);
                        float[] again =
                            Run(cpu, layout, m, n, k, a, b, c0, accumulate, biasOrNull, activation);
                        AssertBitIdentical(got, again, what + " (second run)");
                        if (first is null) first = got;
                        else AssertBitIdentical(first, got, what + " (against threads=1)");
                    }
                }
    }

    internal static float[] Run(CpuAccelerator cpu, GemmLayout layout, int m, int n, int k, float[] a,
        float[] b, float[] c0, bool accumulate, float[]? bias, Activation activation)
    {
        // Views at odd offsets inside larger buffers, so packing never relies on alignment.
        using var ab = cpu.Allocate<float>(a.Length + 3);
        using var bb = cpu.Allocate<float>(b.Length + 5);
        using var cb = cpu.Allocate<float>(c0.Length + 1);
        using var biasBuffer = cpu.Allocate<float>(n + 7);
        var av = ab.Slice(3, a.Length);
        var bv = bb.Slice(5, b.Length);
        var cv = cb.Slice(1, c0.Length);
        cpu.CopyFromHost<float>(a, av);
        cpu.CopyFromHost<float>(b, bv);
        cpu.CopyFromHost<float>(c0, cv);
        var biasView = default(BufferView<float>);
        if (bias is not null)
        {
            biasView = biasBuffer.Slice(7, n);
            cpu.CopyFromHost<float>(bias, biasView);
        }
        cpu.Gemm(layout, m, n, k, av, bv, cv, accumulate, biasView, activation);
        return cpu.ToArray(cv);
    }

    internal static double[] Reference(GemmLayout layout, int m, int n, int k, float[] a, float[] b)
    {
        var result = new double[m * n];
        for (int row = 0; row < m; row++)
            for (int col = 0; col < n; col++)
            {
                double sum = 0;
                for (int i = 0; i < k; i++)
                {
                    double av = layout == GemmLayout.TN ? a[i * m + row] : a[row * k + i];
                    double bv = layout == GemmLayout.NT ? b[col * k + i] : b[i * n + col];
                    sum += av * bv;
                }
                result[row * n + col] = sum;
            }
        return result;
    }

    internal static double[] Epilogue(double[] product, float[] c0, bool accumulate, float[]? bias,
        Activation activation, int n)
    {
        var result = new double[product.Length];
        for (int i = 0; i < product.Length; i++)
        {
            double v = product[i] + (accumulate ? c0[i] : 0) + (bias is null ? 0 : bias[i % n]);
            result[i] = activation switch
            {
                Activation.Relu => Math.Max(v, 0),
                Activation.LeakyRelu => v > 0 ? v : 0.01 * v,
                Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                Activation.Tanh => Math.Tanh(v),
                _ => v,
            };
        }
        return result;
    }

    internal static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static void AssertClose(double[] expected, float[] got, int k, string what)
    {
        // float32 dot products of k terms in [-1, 1]: rounding grows roughly like sqrt(k); 3e-7 k is generous
        // against that yet far below the O(0.1) error of any wrong or missing term.
        double atol = 1e-6 + 3e-7 * k, rtol = 1e-5;
        int bad = 0, firstBad = -1, worst = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(got[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])))
            {
                if (bad++ == 0) firstBad = i;
            }
            if (!(diff <= maxDiff)) (maxDiff, worst) = (diff, i);
        }
        if (bad == 0) return;
        var lines = Enumerable.Range(firstBad, Math.Min(5, expected.Length - firstBad))
            .Select(i => $"  [{i}] got {got[i]:R} expected {expected[i]:R}");
        Assert.Fail($"{what}: {bad} of {expected.Length} values outside atol {atol:G3} rtol {rtol:G3}; " +
            $"max diff {maxDiff:G4} at {worst}\n{string.Join("\n", lines)}");
    }

    internal static void AssertBitIdentical(float[] expected, float[] got, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(got[i]))
                Assert.Fail($"{what}: not bit-identical at {i}: {got[i]:R} vs {expected[i]:R}");
    }
}
