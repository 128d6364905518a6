// The OpenCL GEMM under tilings other than the device's own (OpenCLAccelerator.Create(device, tiling)):
// the GPU tiling (GemmKernels.Gemm) and the wide kernel with interleaved and contiguous work-item blocks
// at sizes that are not the defaults, so every variant that a device may be given is checked against
// float64 on PoCL, not only the one PoCL picks; and PoCL's own choice, by the product's rows, at every
// boundary. Bounds as in the conformance suite: gamma_(k+2) times the sum of |terms|, so any blocking
// passes while a wrong or missing term does not.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Gpu;
using VaeGpu.Kernels.OpenCL;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.OpenCL;

public sealed class GemmTilingTests(ITestOutputHelper output)
{
    private const double U = 1.0 / (1 << 24);
    private readonly TestRandom _rng = new(output);

    /// <summary>Tilings as TileM, TileN, TileK, WptM, WptN, contiguous blocks.</summary>
    public static TheoryData<int, int, int, int, int, bool> Tilings => new()
    {
        { 64, 64, 16, 4, 4, true },    // GemmKernels.Gemm (the GPU default)
        { 32, 64, 8, 4, 8, false },    // wide, interleaved blocks (as on a GPU)
        { 48, 32, 4, 8, 4, true },     // wide, contiguous blocks, tiles that are not powers of two
        { 128, 128, 8, 32, 32, false }, // the CPU device's sizes with interleaved blocks
    };

    [OpenCLTheory]
    [MemberData(nameof(Tilings))]
    public void GemmMatchesFloat64UnderEveryTiling(int tileM, int tileN, int tileK, int wptM, int wptN,
        bool contiguous)
    {
        var tiling = new GemmTiling(tileM, tileN, tileK, wptM, wptN, contiguous);
        using var acc = OpenCLAccelerator.Create(0, tiling);
        CheckShapes(acc, [(1, 1, 1), (7, 17, 3), (33, 65, 129), (130, 47, 400)],
            $"tiling {tileM}x{tileN}x{tileK}x{wptM}x{wptN} contiguous={contiguous}");
    }

    /// <summary>
    /// A CPU device's own choice picks the tiling by the product's rows (GemmTiling.CpuDeviceRows32 up to 32,
    /// CpuDeviceRows64 up to 64, CpuDevice above): every boundary is checked.
    /// </summary>
    [OpenCLFact]
    public void TheDevicesOwnTilingsMatchFloat64AtEveryRowBoundary()
    {
        using var acc = OpenCLAccelerator.Create(0);
        CheckShapes(acc, [(32, 300, 16), (33, 70, 25), (64, 129, 40), (65, 33, 17), (129, 17, 9)],
            "the device's own tilings");
    }

    private void CheckShapes(Accelerator acc, (int M, int N, int K)[] shapes, string what)
    {
        foreach (var layout in Enum.GetValues<GemmLayout>())
            foreach (var (m, n, k) in shapes)
            {
                float[] a = _rng.Uniform(m * k, -1, 1), b = _rng.Uniform(k * n, -1, 1);
                float[] c0 = _rng.Uniform(m * n, -1, 1), bias = _rng.Uniform(n, -1, 1);
                var expected = new double[m * n];
                var atol = new double[m * n];
                for (int row = 0; row < m; row++)
                    for (int col = 0; col < n; col++)
                    {
                        double sum = c0[row * n + col] + (double)bias[col];
                        double sumAbs = Math.Abs(c0[row * n + col]) + Math.Abs(bias[col]);
                        for (int i = 0; i < k; i++)
                        {
                            double av = layout == GemmLayout.TN ? a[i * m + row] : a[row * k + i];
                            double bv = layout == GemmLayout.NT ? b[col * k + i] : b[i * n + col];
                            sum += av * bv;
                            sumAbs += Math.Abs(av * bv);
                        }
                        expected[row * n + col] = Math.Max(sum, 0); // ReLU
                        atol[row * n + col] = (k + 2) * U / (1 - (k + 2) * U) * sumAbs + 4 * U;
                    }
                using var da = acc.Upload<float>(a);
                using var db = acc.Upload<float>(b);
                using var dc = acc.Upload<float>(c0);
                using var dbias = acc.Upload<float>(bias);
                acc.Gemm(layout, m, n, k, da, db, dc, accumulate: true, bias: dbias,
                    activation: Activation.Relu);
                NumericAssert.Close(acc.ToArray<float>(dc), expected, atol, 0,
                    $"{what}: Gemm {layout} m={m} n={n} k={k}", _rng.Seed);
            }
    }

    [OpenCLFact]
    public void AnInvalidTilingIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(
            () => OpenCLAccelerator.Create(0, new GemmTiling(64, 64, 8, 5, 4)));
        Assert.Contains("tiles must be positive multiples of the work per item", e.Message);
    }
}
