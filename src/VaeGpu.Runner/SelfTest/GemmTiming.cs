// GEMM throughput for the self-test's side-by-side table: 2 m n k floating-point operations per
// call, timed after a warm-up over enough repeats to last about a quarter of a second. CUDA is timed
// with CUDA events (GPU time only); other backends with a stopwatch around Synchronize.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;

namespace VaeGpu.Runner.SelfTest;

/// <summary>One GEMM shape: C (m x n) = op(A) op(B) with inner size k.</summary>
public readonly record struct GemmShape(GemmLayout Layout, int M, int N, int K, string Label)
{
    /// <summary>Floating-point operations of one call.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <inheritdoc/>
    public override string ToString() => $"{Label} {Layout} {M}x{N}x{K}";
}

/// <summary>Measures GEMM GFLOP/s on an accelerator.</summary>
public static class GemmTiming
{
    /// <summary>The shapes of a 784-512-20 VAE step at batch 128, and two square ones.</summary>
    public static readonly IReadOnlyList<GemmShape> DefaultShapes =
    [
        new(GemmLayout.NT, 128, 512, 784, "encoder forward"),
        new(GemmLayout.TN, 512, 784, 128, "decoder weight grad"),
        new(GemmLayout.NN, 128, 784, 512, "encoder input grad"),
        new(GemmLayout.NN, 1024, 1024, 1024, "square"),
        new(GemmLayout.NN, 2048, 2048, 2048, "square"),
    ];

    /// <summary>GFLOP/s of <paramref name="shape"/> on <paramref name="accelerator"/>.</summary>
    public static double GigaflopsPerSecond(Accelerator accelerator, GemmShape shape, double targetSeconds = 0.25)
    {
        var rng = new Random(shape.GetHashCode());
        using var a = accelerator.Upload<float>(Values(rng, shape.M * shape.K));
        using var b = accelerator.Upload<float>(Values(rng, shape.K * shape.N));
        using var c = accelerator.Allocate<float>(shape.M * shape.N);
        void Once() => accelerator.Gemm(shape.Layout, shape.M, shape.N, shape.K, a, b, c);

        double once = Seconds(accelerator, 1, Once); // also the warm-up (first launch, JIT, caches)
        once = Seconds(accelerator, 1, Once);
        int repeats = (int)Math.Clamp(targetSeconds / Math.Max(once, 1e-7), 1, 10_000);
        double total = Seconds(accelerator, repeats, Once);
        return shape.Flops * repeats / total / 1e9;
    }

    private static double Seconds(Accelerator accelerator, int repeats, Action once)
    {
        void Work()
        {
            for (int i = 0; i < repeats; i++) once();
        }
        if (accelerator is CudaAccelerator cuda) return cuda.MeasureMilliseconds(Work) / 1000;
        accelerator.Synchronize();
        var clock = Stopwatch.StartNew();
        Work();
        accelerator.Synchronize();
        return clock.Elapsed.TotalSeconds;
    }

    private static float[] Values(Random rng, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
