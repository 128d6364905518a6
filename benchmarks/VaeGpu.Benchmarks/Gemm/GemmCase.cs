// One GEMM benchmark case: a shape (M, K, N) and layout with random operands, prepared once for
// our CPU backend and for OpenBLAS, so both time exactly the same product. GFLOP/s = 2 M N K / time.
using System.Runtime.InteropServices;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;

namespace VaeGpu.Benchmarks.Gemm;

/// <summary>The VAE's GEMM shapes as (M, K, N): C (M x N) = op(A) (M x K) op(B) (K x N).</summary>
public static class GemmShapes
{
    /// <summary>Shapes from the MNIST VAE (batch 128, 784-400-20) plus a square reference.</summary>
    public static readonly (int M, int K, int N)[] All =
    [
        (128, 784, 400), (128, 400, 784), (400, 128, 784), (784, 128, 400), (256, 784, 512),
        (1024, 1024, 1024),
    ];

    /// <summary>"MxKxN" text used as a benchmark parameter.</summary>
    public static string Name((int M, int K, int N) shape) => $"{shape.M}x{shape.K}x{shape.N}";

    /// <summary>Parses "MxKxN".</summary>
    public static (int M, int K, int N) Parse(string name)
    {
        var parts = name.Split('x');
        return (int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]));
    }

    /// <summary>Floating-point operations of one product (one multiply and one add per term).</summary>
    public static double Flops((int M, int K, int N) shape) => 2.0 * shape.M * shape.N * shape.K;
}

/// <summary>Operands for one shape and layout on our CPU backend and in native memory for OpenBLAS.</summary>
internal sealed unsafe class GemmCase : IDisposable
{
    private readonly CpuAccelerator cpu;
    private readonly DeviceBuffer<float> a, b, c;
    private readonly float* na, nb, nc;

    public GemmCase(CpuAccelerator cpu, (int M, int K, int N) shape, GemmLayout layout, int seed = 1)
    {
        this.cpu = cpu;
        (M, K, N, Layout) = (shape.M, shape.K, shape.N, layout);
        var random = new Random(seed);
        float[] ha = Fill(random, M * K), hb = Fill(random, K * N);
        a = cpu.Upload<float>(ha);
        b = cpu.Upload<float>(hb);
        c = cpu.Allocate<float>(M * N);
        na = Native(ha);
        nb = Native(hb);
        nc = (float*)NativeMemory.AlignedAlloc((nuint)(M * N * sizeof(float)), 64);
    }

    public int M { get; }
    public int K { get; }
    public int N { get; }
    public GemmLayout Layout { get; }

    /// <summary>One product on our CPU backend.</summary>
    public void RunOurs() => cpu.Gemm(Layout, M, N, K, a, b, c);

    /// <summary>One product through cblas_sgemm.</summary>
    public void RunOpenBlas() => OpenBlasApi.Gemm(Layout, M, N, K, na, nb, nc);

    /// <summary>Largest difference between the two results (a sanity check before timing).</summary>
    public double MaxDifference()
    {
        RunOurs();
        RunOpenBlas();
        float[] ours = cpu.ToArray<float>(c);
        double max = 0;
        for (int i = 0; i < ours.Length; i++) max = Math.Max(max, Math.Abs(ours[i] - nc[i]));
        return max;
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static float* Native(float[] values)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(values.Length * sizeof(float)), 64);
        values.CopyTo(new Span<float>(p, values.Length));
        return p;
    }

    public void Dispose()
    {
        a.Dispose(); b.Dispose(); c.Dispose();
        NativeMemory.AlignedFree(na); NativeMemory.AlignedFree(nb); NativeMemory.AlignedFree(nc);
    }
}
