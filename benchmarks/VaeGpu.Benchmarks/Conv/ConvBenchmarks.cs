// BenchmarkDotNet over the conv ops' forward + backward (ConvCase.All) on cpu and opencl, with a
// GFLOP/s column. A backend that is absent fails its setup with the probe's reason.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- --filter '*ConvBenchmarks*' --job short
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Conv;

/// <summary>Forward + backward of each conv case, per backend.</summary>
[Config(typeof(Settings))]
public class ConvBenchmarks
{
    private Accelerator? acc;
    private ConvRun? run;

    /// <summary>Backend: cpu or opencl (device 0).</summary>
    [Params("cpu", "opencl")]
    public string Backend { get; set; } = "cpu";

    /// <summary>Index into ConvCase.All.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> CaseNames => ConvCase.All.Select(c => c.Name);

    [GlobalSetup]
    public void Setup()
    {
        Accelerators.TryParseKind(Backend, out var kind);
        var probe = Accelerators.Probe().First(b => b.Kind == kind);
        if (probe.Unavailable is not null)
            throw new InvalidOperationException($"{Backend} skipped: {probe.Unavailable}");
        acc = Accelerators.Create(kind, threads: 2);
        run = new ConvRun(acc, ConvCase.All.Single(c => c.Name == Case));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        run?.Dispose();
        acc?.Dispose();
    }

    [Benchmark]
    public void ForwardBackward()
    {
        run!.Step();
        acc!.Synchronize();
    }

    private sealed class Settings : ManualConfig
    {
        public Settings() => AddColumn(new GflopsColumn());
    }

    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "forward + backward floating-point operations per second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            string name = (string)benchmarkCase.Parameters["Case"];
            var c = ConvCase.All.Single(x => x.Name == name);
            return report?.ResultStatistics is { } stats ? $"{c.Flops / stats.Median:F1}" : "-";
        }
    }
}
