// The quick measured mode `gemm-backends`: GEMM GFLOP/s of every available backend (cpu, each OpenCL
// and CUDA device) at the same shapes and layouts, side by side in one run. Each cell is the median of
// 9 repetitions of about 50 ms after a warm-up; every backend's result is first compared with cpu's.
using System.Diagnostics;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Gemm;

internal static class GemmBackends
{
    private const int Repetitions = 9;
    private const double RepetitionSeconds = 0.05;

    public static int Run(string[] args)
    {
        // Arguments: [threads] [MxKxN ...]; defaults: all cores, the shapes of issue 8.
        int threads = args.Length > 0 ? int.Parse(args[0]) : 0;
        var shapes = args.Length > 1 ? args[1..].Select(GemmShapes.Parse).ToArray() : GemmShapes.All;
        var accelerators = new List<Accelerator>
        {
            Accelerators.Create(AcceleratorKind.Cpu, threads: threads),
        };
        foreach (var probe in Accelerators.Probe().Where(p => p.Kind != AcceleratorKind.Cpu))
        {
            if (probe.Unavailable is not null)
                Console.WriteLine($"{probe.Kind}: skipped: {probe.Unavailable}");
            foreach (var device in probe.Devices)
                accelerators.Add(Accelerators.Create(probe.Kind, device.Index));
        }
        try
        {
            Console.WriteLine($"# GEMM GFLOP/s per backend (median of {Repetitions} repetitions)");
            foreach (var acc in accelerators) Console.WriteLine($"- {acc.Name}: {acc.Info.Name}");
            Console.WriteLine();
            Console.WriteLine("| M x K x N | layout | "
                + string.Join(" | ", accelerators.Select(a => a.Name)) + " |");
            Console.WriteLine("|---|---|" + string.Concat(accelerators.Select(_ => "---:|")));
            foreach (var shape in shapes)
                foreach (var layout in Enum.GetValues<GemmLayout>())
                {
                    var gflops = Measure(accelerators, shape, layout);
                    Console.WriteLine($"| {GemmShapes.Name(shape)} | {layout} | "
                        + string.Join(" | ", gflops.Select(g => $"{g:F1}")) + " |");
                }
        }
        finally
        {
            foreach (var acc in accelerators) acc.Dispose();
        }
        return 0;
    }

    private static double[] Measure(List<Accelerator> accelerators, (int M, int K, int N) shape,
        GemmLayout layout)
    {
        var random = new Random(1);
        float[] Values(int n) =>
            Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var a = Values(shape.M * shape.K);
        var b = Values(shape.K * shape.N);
        float[]? reference = null;
        var result = new double[accelerators.Count];
        for (int i = 0; i < accelerators.Count; i++)
        {
            var acc = accelerators[i];
            using var da = acc.Upload<float>(a);
            using var db = acc.Upload<float>(b);
            using var dc = acc.Allocate<float>(shape.M * shape.N);
            void Run() => acc.Gemm(layout, shape.M, shape.N, shape.K, da, db, dc);
            Run();
            var c = acc.ToArray<float>(dc);
            reference ??= c;
            double diff = c.Zip(reference, (x, y) => Math.Abs(x - y)).Max();
            if (diff > 1e-3 * Math.Sqrt(shape.K))
                throw new InvalidOperationException($"{acc.Name} {GemmShapes.Name(shape)} {layout}: "
                    + $"differs from {accelerators[0].Name} by {diff}");
            result[i] = GemmShapes.Flops(shape) / 1e9 / MedianSeconds(acc, Run);
        }
        return result;
    }

    private static double MedianSeconds(Accelerator acc, Action run)
    {
        // Warm-up, synchronizing every launch: GPU backends enqueue asynchronously.
        var watch = Stopwatch.StartNew();
        int count = 0;
        while (watch.Elapsed.TotalSeconds < 0.2 || count < 2)
        {
            run();
            acc.Synchronize();
            count++;
        }
        int perRep = Math.Max(1, (int)(RepetitionSeconds / (watch.Elapsed.TotalSeconds / count)));
        var times = new double[Repetitions];
        for (int rep = 0; rep < Repetitions; rep++)
        {
            watch.Restart();
            for (int i = 0; i < perRep; i++) run();
            acc.Synchronize();
            times[rep] = watch.Elapsed.TotalSeconds / perRep;
        }
        Array.Sort(times);
        return times[Repetitions / 2];
    }
}
