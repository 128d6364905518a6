// Where one default epoch goes on `cpu`: trains the default VAE (784-400-20, batch 128, Adam), the conv VAE
// (`conv`: --arch conv), the issue-17 GAN (`gan`: D 784-256-256-1, G 96-1024-1024-784, batch 128, Adam) or
// the DCGAN (`dcgan`) on MNIST with every op timed by family (ProfilingCpuAccelerator), then replays the
// epoch's recorded GEMM calls alone for the GEMM-only floor (the convs' own GEMMs are inside the conv
// rows, which a second table splits by layer and pass with their GFLOP/s). One warm-up epoch, then REPS
// profiled epochs, each followed by its floor (alternating, one process); prints the medians, then the
// longest GEMM shapes of the last replay with their GFLOP/s.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- epoch-profile [reps] [threads] [data]
//     [vae|conv|gan|dcgan]
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Benchmarks.Profile;

/// <summary>The epoch profile by op family and the GEMM-only floor.</summary>
public static class EpochProfile
{
    /// <summary>Runs the profile; args: repetitions (3), threads (0 = all cores), data folder, model
    /// (vae, conv, gan or dcgan).</summary>
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        string dataDir = args.Length > 2 ? args[2] : Path.Combine("..", "shared", "datasets");
        string kind = args.Length > 3 ? args[3] : "vae";
        RunConfig? config = kind switch
        {
            "vae" => new RunConfig(),
            "conv" => new RunConfig { Arch = ModelArch.Conv },
            "gan" => new RunConfig { Model = ModelKind.Gan },
            "dcgan" => new RunConfig { Model = ModelKind.Dcgan },
            _ => null,
        };
        if (config is null)
        {
            Console.Error.WriteLine($"epoch-profile: model '{kind}': expected vae, conv, gan or dcgan");
            return 2;
        }
        bool isGan = kind is "gan" or "dcgan";
        var data = DatasetLoader.Load(config.Dataset, dataDir);
        using var acc = new ProfilingCpuAccelerator(threads);
        using var vae = !isGan ? ModelFactory.CreateModel(acc, config, config.BatchSize) : null;
        using var gan = isGan ? ModelFactory.CreateGan(acc, config, config.BatchSize) : null;
        using var train = new DeviceSplit(acc, data.Train, data.Train.Count, config.BatchSize, 0);
        var settings = ModelFactory.OptimizerSettings(config);
        Console.WriteLine($"{kind} (default settings), MNIST {train.Count} images, "
            + $"batch {config.BatchSize}, {acc.Name}");
        // One training step on the gathered batch of n images, and the loss read-back, of either model.
        Action<int> step = gan is null
            ? n => vae!.TrainStep(train.Images, train.OneHot, n, vae.Config.FinalKlWeight, settings)
            : n => gan.TrainStep(train.Images, train.OneHot, n, settings);
        Action readLosses = gan is null ? () => vae!.ReadAndResetLosses() : () => gan.ReadAndResetLosses();
        Func<int, double> epoch = e => Epoch(train, config, e, step, readLosses);
        epoch(1); // warm-up: JIT, page faults, caches
        var families = Enum.GetValues<OpFamily>();
        var runs = new List<Rep>();
        for (int rep = 0; rep < reps; rep++)
        {
            acc.Reset();
            acc.Recording = true;
            TimeSpan cpu0 = Cpu();
            double wall = epoch(2 + rep);
            TimeSpan cpu1 = Cpu();
            acc.Recording = false;
            var byFamily = families.Select(f => (acc.Seconds(f), acc.Calls(f))).ToArray();
            var convs = acc.ConvPasses.ToList();
            int gemms = acc.RecordedGemms;
            double floor = acc.ReplayGemms();
            TimeSpan cpu2 = Cpu();
            runs.Add(new Rep(wall, (cpu1 - cpu0).TotalSeconds, floor, (cpu2 - cpu1).TotalSeconds, gemms,
                byFamily, convs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rep {rep + 1}: epoch {wall:F3} s ({(cpu1 - cpu0).TotalSeconds:F2} s cpu), "
                + $"GEMM in epoch {byFamily[0].Item1:F3} s, "
                + $"GEMM alone {floor:F3} s ({(cpu2 - cpu1).TotalSeconds:F2} s cpu)"));
        }
        Print(families, runs);
        PrintShapes(acc.ReplayShapes);
        return 0;
    }

    // One profiled epoch and the replay of its GEMMs: wall and process-cpu seconds, time and calls by
    // family.
    private sealed record Rep(double Wall, double WallCpu, double Floor, double FloorCpu, int Gemms,
        (double Seconds, long Calls)[] ByFamily,
        List<(string Pass, VaeGpu.Kernels.Conv2dGeometry Geometry, double Seconds, long Calls, long Macs)>
            Convs);

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    // One epoch as Trainer.TrainEpoch and GanTrainer.Run run it: the epoch's order uploaded once, a gather
    // and a step per batch, the loss sums read back every LossReadInterval steps. Returns the wall seconds.
    private static double Epoch(DeviceSplit train, RunConfig config, int epoch, Action<int> step,
        Action readLosses)
    {
        int count = train.Count, batch = config.BatchSize, steps = (count + batch - 1) / batch;
        train.UploadOrder(EpochShuffle.Permutation(count, config.Seed, epoch));
        long start = Stopwatch.GetTimestamp();
        for (int s = 0; s < steps; s++)
        {
            int first = s * batch, n = Math.Min(batch, count - first);
            train.GatherFromOrder(first, n);
            step(n);
            if ((s + 1) % Trainer.LossReadInterval == 0 || s + 1 == steps) readLosses();
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // The breakdown of the median epoch (by wall time), so the rows add up to its total.
    private static void Print(OpFamily[] families, List<Rep> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var median = runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
        Console.WriteLine();
        Console.WriteLine($"| op family | calls / epoch | seconds | share of epoch |");
        Console.WriteLine("|---|---:|---:|---:|");
        double inOps = 0;
        foreach (var family in families)
        {
            var (seconds, calls) = median.ByFamily[(int)family];
            inOps += seconds;
            Console.WriteLine(string.Create(c,
                $"| {family} | {calls:N0} | {seconds:F3} | {100 * seconds / median.Wall:F1}% |"));
        }
        double outside = median.Wall - inOps;
        Console.WriteLine(string.Create(c,
            $"| outside ops (layers, loop) | | {outside:F3} | {100 * outside / median.Wall:F1}% |"));
        Console.WriteLine(string.Create(c, $"| **epoch** | | **{median.Wall:F3}** | 100% |"));
        Console.WriteLine();
        if (median.Convs.Count > 0)
        {
            Console.WriteLine("| conv layer (per sample) | pass | seconds | share of epoch | GFLOP/s |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            foreach (var p in median.Convs.OrderBy(p => p.Geometry.ToString()).ThenBy(p => p.Pass))
            {
                var g = p.Geometry;
                string layer = $"{(g.Transposed ? "ConvT" : "Conv")} {g.InChannels}x{g.InHeight}x{g.InWidth}"
                    + $" -> {g.OutChannels}x{g.OutHeight}x{g.OutWidth} k{g.KernelHeight}s{g.Stride}";
                Console.WriteLine(string.Create(c, $"| {layer} | {p.Pass} | {p.Seconds:F3} | "
                    + $"{100 * p.Seconds / median.Wall:F1}% | {2.0 * p.Macs / p.Seconds / 1e9:F1} |"));
            }
            Console.WriteLine();
        }
        double floor = Median(runs.Select(r => r.Floor).ToList());
        double wall = Median(runs.Select(r => r.Wall).ToList());
        double ratioCpu = Median(runs.Select(r => r.WallCpu / r.FloorCpu).ToList());
        Console.WriteLine(string.Create(c, $"GEMM-only floor ({median.Gemms:N0} GEMM calls of one epoch "
            + $"replayed alone): median {floor:F3} s against the epoch's median {wall:F3} s: "
            + $"epoch / floor = {wall / floor:F2} by wall time, {ratioCpu:F2} by process cpu time "
            + $"(median of {runs.Count})"));
    }

    // The longest GEMM shapes of the last replay (M x K x N, layout, epilogue), with their rates.
    private static void PrintShapes(
        IReadOnlyList<(string Shape, int Calls, double Seconds, double Flops)> rows)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| GEMM in the last replay (M x K x N) | calls | seconds | GFLOP/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var row in rows.Take(24))
            Console.WriteLine(string.Create(c, $"| {row.Shape} | {row.Calls:N0} | {row.Seconds:F3} | "
                + $"{row.Flops / row.Seconds / 1e9:F1} |"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
