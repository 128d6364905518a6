// The quick tuning mode `gemm-tune`: our OpenCL GEMM on device 0 under several tilings (GemmTiling, passed
// to OpenCLAccelerator.Create as CLBlast's parameter override), every candidate's product first checked
// against the cpu backend's, then GFLOP/s per shape and layout (median of 5 repetitions of ~30 ms) and
// the geometric mean over all cells.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gemm-tune [TMxTNxTKxWMxWN[xC] ...]
//     [MxKxN ...]
// (C: 1 contiguous, 0 interleaved work-item blocks; wide kernel only; MxKxN: shapes instead of the VAE's)
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Gpu;
using VaeGpu.Kernels.OpenCL;

namespace VaeGpu.Benchmarks.Gemm;

internal static class GemmTune
{
    private static readonly GemmTiling[] Candidates =
    [
        GemmTiling.CpuDevice, GemmTiling.Default,
        new(64, 64, 8, 4, 4), new(64, 128, 8, 4, 8), new(128, 64, 8, 8, 4), new(64, 64, 16, 8, 8),
        new(128, 128, 16, 8, 8), new(32, 128, 8, 4, 8), new(64, 128, 8, 8, 8), new(128, 128, 8, 8, 16),
    ];

    public static int Run(string[] args)
    {
        // Three numbers name a shape (MxKxN), five or six a tiling.
        var tilings = args.Where(a => a.Split('x').Length > 3).Select(Parse).ToArray();
        var named = args.Where(a => a.Split('x').Length == 3).Select(GemmShapes.Parse).ToArray();
        var candidates = tilings.Length > 0 ? tilings : Candidates;
        using var cpu = Accelerators.Create(AcceleratorKind.Cpu, threads: 2);
        var shapes = named.Length > 0 ? named : GemmShapes.All;
        var layouts = Enum.GetValues<GemmLayout>();
        var random = new Random(1);
        var operands = shapes.Select(s => (A: Values(random, s.M * s.K), B: Values(random, s.K * s.N)))
            .ToArray();
        var references = new Dictionary<(int, GemmLayout), float[]>();
        for (int i = 0; i < shapes.Length; i++)
            foreach (var layout in layouts)
                references[(i, layout)] = Product(cpu, shapes[i], layout, operands[i].A, operands[i].B);
        // Every candidate's program is built first; then each cell times the candidates round-robin, so a
        // change in the machine's load hits them all alike.
        var accs = new List<(GemmTiling Tiling, Accelerator Acc)>();
        foreach (var tiling in candidates)
        {
            try { accs.Add((tiling, OpenCLAccelerator.Create(0, tiling))); }
            catch (ArgumentException e) { Console.WriteLine($"{Name(tiling)}: {e.Message}"); }
        }
        try
        {
            var cells = accs.Select(_ => new List<double>()).ToList();
            for (int i = 0; i < shapes.Length; i++)
                foreach (var layout in layouts)
                {
                    var medians = Measure(accs.Select(p => p.Acc).ToList(), shapes[i], layout, operands[i].A,
                        operands[i].B, references[(i, layout)]);
                    for (int c = 0; c < accs.Count; c++) cells[c].Add(medians[c]);
                }
            Console.WriteLine("| tiling | " + string.Join(" | ", shapes.SelectMany(s => layouts.Select(l =>
                $"{GemmShapes.Name(s)} {l}"))) + " | geomean |");
            Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", shapes.Length * 3 + 1)));
            for (int c = 0; c < accs.Count; c++)
            {
                double geomean = Math.Exp(cells[c].Average(Math.Log));
                Console.WriteLine($"| {Name(accs[c].Tiling)} | " + string.Join(" | ",
                    cells[c].Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))
                    + $" | {geomean.ToString("F2", CultureInfo.InvariantCulture)} |");
            }
        }
        finally
        {
            foreach (var (_, acc) in accs) acc.Dispose();
        }
        return 0;
    }

    private static string Name(GemmTiling t) =>
        $"{t.TileM}x{t.TileN}x{t.TileK}x{t.WptM}x{t.WptN}" + (t.Wide ? (t.Contiguous ? "x1" : "x0") : "");

    private static GemmTiling Parse(string text)
    {
        var p = text.Split('x').Select(int.Parse).ToArray();
        return p.Length > 5 ? new GemmTiling(p[0], p[1], p[2], p[3], p[4], p[5] != 0)
            : new GemmTiling(p[0], p[1], p[2], p[3], p[4]);
    }

    private static float[] Values(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();

    private static float[] Product(Accelerator acc, (int M, int K, int N) s, GemmLayout layout, float[] a,
        float[] b)
    {
        using var da = acc.Upload<float>(a);
        using var db = acc.Upload<float>(b);
        using var dc = acc.Allocate<float>(s.M * s.N);
        acc.Gemm(layout, s.M, s.N, s.K, da, db, dc);
        return acc.ToArray<float>(dc);
    }

    // GFLOP/s of each accelerator at one cell: checked against the reference, then the median of 5
    // rounds, each timing every accelerator once for ~30 ms.
    private static double[] Measure(List<Accelerator> accs, (int M, int K, int N) s, GemmLayout layout,
        float[] a, float[] b, float[] reference)
    {
        var runs = new List<Action>();
        var owned = new List<IDisposable>();
        try
        {
            foreach (var acc in accs)
            {
                var da = acc.Upload<float>(a);
                var db = acc.Upload<float>(b);
                var dc = acc.Allocate<float>(s.M * s.N);
                owned.AddRange([da, db, dc]);
                void Run() => acc.Gemm(layout, s.M, s.N, s.K, da, db, dc);
                Run();
                double diff = acc.ToArray<float>(dc).Zip(reference, (x, y) => Math.Abs(x - y)).Max();
                if (diff > 1e-3 * Math.Sqrt(s.K))
                    throw new InvalidOperationException(
                        $"{acc.Name} {GemmShapes.Name(s)} {layout} differs from cpu by {diff}");
                runs.Add(() => { Run(); acc.Synchronize(); });
            }
            var times = accs.Select(_ => new double[5]).ToArray();
            for (int rep = 0; rep < 5; rep++)
                for (int c = 0; c < runs.Count; c++)
                {
                    int count = 0;
                    var watch = Stopwatch.StartNew();
                    do { runs[c](); count++; } while (watch.Elapsed.TotalSeconds < 0.03);
                    times[c][rep] = watch.Elapsed.TotalSeconds / count;
                }
            return times.Select(t => GemmShapes.Flops(s) / 1e9 / t.Order().ElementAt(2)).ToArray();
        }
        finally
        {
            foreach (var o in owned) o.Dispose();
        }
    }
}
