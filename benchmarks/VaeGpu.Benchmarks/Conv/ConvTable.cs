// The quick measured mode `conv-table [threads] [backends]`: forward + backward of every ConvCase on
// cpu and each OpenCL device, in ms and GFLOP/s, side by side. Each cell is the median of 7
// repetitions of about 0.1 s after a warm-up; each backend's output is first compared with cpu's.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- conv-table 2
using System.Diagnostics;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Conv;

internal static class ConvTable
{
    private const int Repetitions = 7;
    private const double RepetitionSeconds = 0.1;

    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 0;
        bool withOpenCL = args.Length < 2 || args[1] != "cpu";
        var accelerators = new List<Accelerator> { Accelerators.Create(AcceleratorKind.Cpu, threads: threads) };
        if (withOpenCL)
            foreach (var probe in Accelerators.Probe().Where(p => p.Kind == AcceleratorKind.OpenCL))
            {
                if (probe.Unavailable is not null) Console.WriteLine($"opencl: skipped: {probe.Unavailable}");
                foreach (var device in probe.Devices) accelerators.Add(Accelerators.Create(probe.Kind, device.Index));
            }
        try
        {
            Console.WriteLine($"# Conv ops, forward + backward, batch {ConvCase.DefaultBatch}: ms (GFLOP/s), "
                + $"median of {Repetitions}");
            foreach (var acc in accelerators) Console.WriteLine($"- {acc.Name}: {acc.Info.Name}");
            Console.WriteLine();
            Console.WriteLine("| case | GFLOP | " + string.Join(" | ", accelerators.Select(a => a.Name)) + " |");
            Console.WriteLine("|---|---:|" + string.Concat(accelerators.Select(_ => "---:|")));
            foreach (var c in ConvCase.All)
            {
                var cells = new List<string>();
                float[]? reference = null;
                foreach (var acc in accelerators)
                {
                    using var run = new ConvRun(acc, c);
                    run.Step();
                    var result = run.Result();
                    reference ??= result;
                    double diff = result.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
                    if (diff > 1e-2)
                        throw new InvalidOperationException($"{acc.Name} {c}: differs from cpu by {diff}");
                    double seconds = MedianSeconds(acc, run.Step);
                    cells.Add($"{seconds * 1e3:F2} ({c.Flops / 1e9 / seconds:F1})");
                }
                Console.WriteLine($"| {c} | {c.Flops / 1e9:F3} | {string.Join(" | ", cells)} |");
            }
        }
        finally
        {
            foreach (var acc in accelerators) acc.Dispose();
        }
        return 0;
    }

    private static double MedianSeconds(Accelerator acc, Action run)
    {
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
