// BenchmarkDotNet GEMM benchmark on the `cpu` backend at the VAE's shapes, for every layout, with
// OpenBLAS sgemm at the same thread count as the baseline. The GFLOP/s column is computed from the
// case's shape and BDN's mean: 2 M N K / mean. Run (OpenBLAS tuning variables unset):
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
//     dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- --filter '*GemmBenchmarks*'
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;

namespace VaeGpu.Benchmarks.Gemm;

/// <summary>GEMM on our CPU backend against OpenBLAS sgemm, same operands, same thread count.</summary>
[Config(typeof(Settings))]
public class GemmBenchmarks
{
    private CpuAccelerator? cpu;
    private GemmCase? gemm;

    /// <summary>Shape as "MxKxN".</summary>
    [ParamsSource(nameof(ShapeNames))]
    public string Shape { get; set; } = "";

    /// <summary>Operand layout.</summary>
    [Params(GemmLayout.NN, GemmLayout.NT, GemmLayout.TN)]
    public GemmLayout Layout { get; set; }

    /// <summary>Threads for both libraries.</summary>
    [Params(2)]
    public int Threads { get; set; }

    /// <summary>The shapes of issue 8.</summary>
    public static IEnumerable<string> ShapeNames => GemmShapes.All.Select(GemmShapes.Name);

    /// <summary>Operands for our GEMM.</summary>
    [GlobalSetup(Target = nameof(Ours))]
    public void Setup()
    {
        cpu = new CpuAccelerator(Threads);
        gemm = new GemmCase(cpu, GemmShapes.Parse(Shape), Layout);
    }

    /// <summary>Operands for OpenBLAS; where the library is absent this throws with the reason, so BDN
    /// reports the baseline as not run (with that message) instead of timing an empty call.</summary>
    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas()
    {
        if (!OpenBlasApi.IsAvailable)
            throw new InvalidOperationException($"OpenBLAS baseline skipped: {OpenBlasApi.Unavailable}");
        foreach (var warning in OpenBlasApi.BaselineWarnings())
            Console.WriteLine($"// warning: {warning}");
        OpenBlasApi.SetNumThreads(Threads);
        Setup();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        gemm?.Dispose();
        cpu?.Dispose();
    }

    /// <summary>Our packed GEMM.</summary>
    [Benchmark]
    public void Ours() => gemm!.RunOurs();

    /// <summary>cblas_sgemm on the same operands.</summary>
    [Benchmark(Baseline = true)]
    public void OpenBlas() => gemm!.RunOpenBlas();

    private sealed class Settings : ManualConfig
    {
        public Settings() => AddColumn(new GigaFlopsColumn());
    }
}

/// <summary>GFLOP/s = 2 M N K / mean time, from the case's Shape parameter.</summary>
public sealed class GigaFlopsColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(GigaFlopsColumn);
    /// <inheritdoc/>
    public string ColumnName => "GFLOP/s";
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Metric;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => "2 M N K / mean, in 10^9 floating-point operations per second";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats) return "-";
        if (benchmarkCase.Parameters["Shape"] is not string shape) return "-";
        return (GemmShapes.Flops(GemmShapes.Parse(shape)) / stats.Mean).ToString("F1");
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
