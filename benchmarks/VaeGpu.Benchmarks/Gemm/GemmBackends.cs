// The quick measured mode `gemm-backends`: GEMM GFLOP/s of every available backend (cpu, each OpenCL
// and CUDA device) at the same shapes and layouts, side by side in one run. Each cell is the median of
// 9 repetitions of about 50 ms after a warm-up; every backend's result is first compared with cpu's.
// Beside each OpenCL device, CLBlast's sgemm on the same device and queue (when libclblast1 is
// installed): its result is checked against ours, then 15 repetitions alternate ours and CLBlast.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.OpenCL;

namespace VaeGpu.Benchmarks.Gemm;

internal static class GemmBackends
{
    private const int Repetitions = 9;
    private const int AlternatingRepetitions = 15;
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
            Console.WriteLine($"# GEMM GFLOP/s per backend (median of {Repetitions} repetitions; "
                + $"ours and CLBlast: {AlternatingRepetitions} alternating)");
            foreach (var acc in accelerators) Console.WriteLine($"- {acc.Name}: {acc.Info.Name}");
            if (!ClBlastApi.IsAvailable)
                Console.WriteLine($"CLBlast column skipped: {ClBlastApi.Unavailable}");
            Console.WriteLine();
            var names = accelerators.SelectMany(a => WithClBlast(a)
                ? new[] { $"{a.Name} ours", "CLBlast", "ours / CLBlast" }
                : new[] { a.Name }).ToArray();
            Console.WriteLine("| M x K x N | layout | " + string.Join(" | ", names) + " |");
            Console.WriteLine("|---|---|" + string.Concat(names.Select(_ => "---:|")));
            foreach (var shape in shapes)
                foreach (var layout in Enum.GetValues<GemmLayout>())
                {
                    var cells = Measure(accelerators, shape, layout);
                    Console.WriteLine($"| {GemmShapes.Name(shape)} | {layout} | "
                        + string.Join(" | ", cells) + " |");
                }
        }
        finally
        {
            foreach (var acc in accelerators) acc.Dispose();
        }
        return 0;
    }

    private static bool WithClBlast(Accelerator acc) => acc is OpenCLAccelerator && ClBlastApi.IsAvailable;

    /// <summary>The cells of one shape and layout: GFLOP/s per column (a ratio for ours / CLBlast).</summary>
    private static List<string> Measure(List<Accelerator> accelerators, (int M, int K, int N) shape,
        GemmLayout layout)
    {
        var random = new Random(1);
        float[] Values(int n) =>
            Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var a = Values(shape.M * shape.K);
        var b = Values(shape.K * shape.N);
        float[]? reference = null;
        double flops = GemmShapes.Flops(shape) / 1e9;
        var cells = new List<string>();
        foreach (var acc in accelerators)
        {
            using var da = acc.Upload<float>(a);
            using var db = acc.Upload<float>(b);
            using var dc = acc.Allocate<float>(shape.M * shape.N);
            void Run() => acc.Gemm(layout, shape.M, shape.N, shape.K, da, db, dc);
            Run();
            var c = acc.ToArray<float>(dc);
            reference ??= c;
            Check(c, reference, shape, $"{acc.Name} {GemmShapes.Name(shape)} {layout}: differs from "
                + accelerators[0].Name);
            if (acc is not OpenCLAccelerator ocl || !ClBlastApi.IsAvailable)
            {
                cells.Add($"{flops / MedianSeconds(acc, Run):F1}");
                continue;
            }
            using var dcBlast = acc.Allocate<float>(shape.M * shape.N);
            void RunClBlast() => ClBlastApi.Gemm(ocl, layout, shape.M, shape.N, shape.K, da, db, dcBlast);
            RunClBlast();
            Check(acc.ToArray<float>(dcBlast), c, shape,
                $"CLBlast {GemmShapes.Name(shape)} {layout}: differs from ours on {acc.Name}");
            var (ours, theirs) = AlternatingMedianSeconds(acc, Run, RunClBlast);
            cells.Add($"{flops / ours:F1}");
            cells.Add($"{flops / theirs:F1}");
            cells.Add($"{theirs / ours:F2}");
        }
        return cells;
    }

    private static void Check(float[] got, float[] want, (int M, int K, int N) shape, string what)
    {
        double diff = got.Zip(want, (x, y) => Math.Abs(x - y)).Max();
        if (diff > 1e-3 * Math.Sqrt(shape.K)) throw new InvalidOperationException($"{what} by {diff}");
    }

    /// <summary>Median seconds per product of ours and of the other, repetitions alternating.</summary>
    private static (double Ours, double Other) AlternatingMedianSeconds(Accelerator acc, Action ours,
        Action other)
    {
        int oursPerRep = Calibrate(acc, ours), otherPerRep = Calibrate(acc, other);
        var oursTimes = new double[AlternatingRepetitions];
        var otherTimes = new double[AlternatingRepetitions];
        for (int rep = 0; rep < AlternatingRepetitions; rep++)
        {
            oursTimes[rep] = TimeSeconds(acc, ours, oursPerRep);
            otherTimes[rep] = TimeSeconds(acc, other, otherPerRep);
        }
        Array.Sort(oursTimes);
        Array.Sort(otherTimes);
        return (oursTimes[AlternatingRepetitions / 2], otherTimes[AlternatingRepetitions / 2]);
    }

    /// <summary>Warms up, synchronizing every launch (GPU backends enqueue asynchronously), and returns
    /// the launches per ~50 ms repetition.</summary>
    private static int Calibrate(Accelerator acc, Action run)
    {
        var watch = Stopwatch.StartNew();
        int count = 0;
        while (watch.Elapsed.TotalSeconds < 0.2 || count < 2)
        {
            run();
            acc.Synchronize();
            count++;
        }
        return Math.Max(1, (int)(RepetitionSeconds / (watch.Elapsed.TotalSeconds / count)));
    }

    private static double TimeSeconds(Accelerator acc, Action run, int count)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) run();
        acc.Synchronize();
        return watch.Elapsed.TotalSeconds / count;
    }

    private static double MedianSeconds(Accelerator acc, Action run)
    {
        int perRep = Calibrate(acc, run);
        var times = new double[Repetitions];
        for (int rep = 0; rep < Repetitions; rep++) times[rep] = TimeSeconds(acc, run, perRep);
        Array.Sort(times);
        return times[Repetitions / 2];
    }
}
