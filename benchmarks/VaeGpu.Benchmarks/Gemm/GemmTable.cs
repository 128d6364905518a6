// The quick measured mode `gemm-table`: ours and OpenBLAS side by side in one process, per shape
// and layout: a warm-up, then several repetitions that alternate the two libraries (so machine
// noise hits both alike); each repetition times enough products to last about 5 ms; the table
// shows the median GFLOP/s of each and their ratio, then the best repetition of each and that
// ratio (on a shared, oversubscribed machine the best repetition is the one least disturbed).
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;

namespace VaeGpu.Benchmarks.Gemm;

internal static class GemmTable
{
    private const int Repetitions = 41;
    private const double RepetitionSeconds = 0.005;

    public static int Run(string[] args)
    {
        // Arguments: [threads] [MxKxN ...]; defaults: all cores, the shapes of issue 8.
        int threads = args.Length > 0 ? int.Parse(args[0]) : Environment.ProcessorCount;
        var shapes = args.Length > 1 ? args[1..].Select(GemmShapes.Parse).ToArray() : GemmShapes.All;
        using var cpu = new CpuAccelerator(threads);
        bool blas = OpenBlasApi.IsAvailable;
        Console.WriteLine($"# GEMM GFLOP/s, {cpu.Name}, {cpu.Info.Name}, kernel {cpu.GemmKernel}");
        if (blas)
        {
            OpenBlasApi.SetNumThreads(threads);
            Console.WriteLine($"OpenBLAS {OpenBlasApi.CoreName()}, {OpenBlasApi.GetNumThreads()} threads");
            foreach (var warning in OpenBlasApi.BaselineWarnings())
                Console.WriteLine($"warning: {warning}");
        }
        else
        {
            Console.WriteLine($"OpenBLAS baseline skipped: {OpenBlasApi.Unavailable}");
        }
        Console.WriteLine();
        Console.WriteLine("| M x K x N | layout | ours GFLOP/s | OpenBLAS GFLOP/s | ours / OpenBLAS "
            + "| ours best | OpenBLAS best | best ratio |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in shapes)
            foreach (var layout in Enum.GetValues<GemmLayout>())
            {
                using var gemm = new GemmCase(cpu, shape, layout);
                if (blas)
                {
                    double diff = gemm.MaxDifference();
                    if (diff > 1e-3 * Math.Sqrt(shape.K))
                        throw new InvalidOperationException(
                            $"{GemmShapes.Name(shape)} {layout}: ours and OpenBLAS differ by {diff}");
                }
                var (ours, theirs) = Measure(gemm, blas);
                double flops = GemmShapes.Flops(shape) / 1e9;
                string median = Cells(flops, Median(ours), Median(theirs));
                string best = Cells(flops, ours.Min(), theirs.Min());
                Console.WriteLine($"| {GemmShapes.Name(shape)} | {layout} | {median} | {best} |");
            }
        return 0;
    }

    private static string Cells(double gigaFlops, double ours, double theirs) => double.IsNaN(theirs)
        ? $"{gigaFlops / ours:F1} | n/a | n/a"
        : $"{gigaFlops / ours:F1} | {gigaFlops / theirs:F1} | {theirs / ours:F2}";

    /// <summary>Seconds per product of each repetition, ours and OpenBLAS (NaN when absent).</summary>
    private static (double[] Ours, double[] OpenBlas) Measure(GemmCase gemm, bool blas)
    {
        int count = Calibrate(gemm.RunOurs);
        if (blas) Calibrate(gemm.RunOpenBlas);
        var ours = new double[Repetitions];
        var theirs = new double[Repetitions];
        for (int rep = 0; rep < Repetitions; rep++)
        {
            ours[rep] = Time(gemm.RunOurs, count);
            theirs[rep] = blas ? Time(gemm.RunOpenBlas, count) : double.NaN;
        }
        return (ours, theirs);
    }

    private static int Calibrate(Action run)
    {
        // Warm-up long enough for tiered JIT to reach its final code in both libraries' callers.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < 0.2) run();
        double once = Time(run, 1);
        return Math.Max(1, (int)(RepetitionSeconds / Math.Max(once, 1e-7)));
    }

    private static double Time(Action run, int count)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) run();
        return watch.Elapsed.TotalSeconds / count;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
