// BenchmarkDotNet over every op of the op set on every backend (cpu, opencl, cuda), at the shapes a
// training step of the default VAE uses (batch 128, 784-400-20, 652,824 parameters). Every benchmark
// synchronizes, so GPU queues are timed to completion. Columns: GB/s from the bytes each op must move
// (reads + writes, listed in Bytes below) and GFLOP/s for the GEMM. A backend that is absent fails its
// setup with the probe's reason, which BDN prints. Markdown goes to BenchmarkDotNet.Artifacts/results.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- --filter '*OpBenchmarks*' --job short
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Ops;

/// <summary>Each op once, at the default VAE's training shapes, per backend.</summary>
[Config(typeof(Settings))]
public class OpBenchmarks
{
    private const int Batch = 128, Pixels = 784, Hidden = 400, Latent = 20, Classes = 10;
    private const int Parameters = 652_824; // the default VAE's parameter count
    private const int Hid = Batch * Hidden, Lat = Batch * Latent, Img = Batch * Pixels;

    /// <summary>Bytes each benchmark must read and write (float = 4 bytes, pixel = 1 byte).</summary>
    internal static readonly Dictionary<string, double> Bytes = new()
    {
        [nameof(Fill)] = 4.0 * Parameters,
        [nameof(ColumnSum)] = 4.0 * (Hid + Hidden),
        [nameof(ReluForward)] = 8.0 * Hid,
        [nameof(ReluBackward)] = 12.0 * Hid,
        [nameof(FillNormal)] = 4.0 * Lat,
        [nameof(ReparameterizeForward)] = 16.0 * Lat,
        [nameof(ReparameterizeBackward)] = 28.0 * Lat,
        [nameof(BceWithLogits)] = 12.0 * Img + 4 * Batch,
        [nameof(MseOnSigmoid)] = 12.0 * Img + 4 * Batch,
        [nameof(KlDivergence)] = 16.0 * Lat + 4 * Batch,
        [nameof(SumInto)] = 4.0 * Img,
        [nameof(Adam)] = 28.0 * Parameters,
        [nameof(Sgd)] = 20.0 * Parameters,
        [nameof(RmsProp)] = 20.0 * Parameters,
        [nameof(Adagrad)] = 20.0 * Parameters,
        [nameof(GatherImages)] = 5.0 * Img + 4 * Batch,
        [nameof(GatherOneHot)] = 4.0 * Batch * Classes + 5 * Batch,
        [nameof(CopyColumns)] = 8.0 * Lat,
    };

    /// <summary>Floating-point operations of the GEMM benchmark.</summary>
    internal const double GemmFlops = 2.0 * Batch * Hidden * Pixels;

    private Accelerator? acc;
    private DeviceBuffer<float>? x, targets, dx, w, bias, h, dh, wide;
    private DeviceBuffer<float>? mu, logvar, eps, z, dz, dmu, dlogvar, rows, total;
    private DeviceBuffer<float>? p, g, s1, s2;
    private DeviceBuffer<byte>? images, labels;
    private DeviceBuffer<int>? indices;
    private readonly List<IDisposable> owned = [];

    /// <summary>Backend: cpu, opencl or cuda (device 0).</summary>
    [Params("cpu", "opencl", "cuda")]
    public string Backend { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        Accelerators.TryParseKind(Backend, out var kind);
        var probe = Accelerators.Probe().First(b => b.Kind == kind);
        if (probe.Unavailable is not null)
            throw new InvalidOperationException($"{Backend} skipped: {probe.Unavailable}");
        acc = Accelerators.Create(kind, threads: 2);
        var random = new Random(1);
        T Own<T>(T buffer) where T : IDisposable
        {
            owned.Add(buffer);
            return buffer;
        }
        DeviceBuffer<float> Floats(int n, float scale = 1) => Own(acc.Upload<float>(
            Enumerable.Range(0, n).Select(_ => scale * ((float)random.NextDouble() - 0.5f)).ToArray()));
        x = Floats(Img); dx = Floats(Img); w = Floats(Hidden * Pixels, 0.1f); bias = Floats(Hidden);
        targets = Floats(Img, 0); acc.Fill(targets, 0.25f);
        h = Floats(Hid); dh = Floats(Hid); wide = Floats(Batch * (Latent + Classes));
        mu = Floats(Lat); logvar = Floats(Lat); eps = Floats(Lat); z = Floats(Lat); dz = Floats(Lat);
        dmu = Floats(Lat); dlogvar = Floats(Lat); rows = Floats(Batch); total = Floats(1);
        p = Floats(Parameters); g = Floats(Parameters, 0.01f);
        s1 = Floats(Parameters, 0); s2 = Floats(Parameters, 0);
        acc.Fill(s1, 0.01f);
        acc.Fill(s2, 0.01f);
        images = Own(acc.Upload<byte>(
            Enumerable.Range(0, 1000 * Pixels).Select(i => (byte)(i * 31)).ToArray()));
        labels = Own(acc.Upload<byte>(Enumerable.Range(0, 1000).Select(i => (byte)(i % Classes)).ToArray()));
        indices = Own(acc.Upload<int>(Enumerable.Range(0, Batch).Select(i => i * 7).ToArray()));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var buffer in owned) buffer.Dispose();
        owned.Clear();
        acc?.Dispose();
    }

    private static OptimizerParams Step(OptimizerKind kind) =>
        OptimizerParams.Defaults(kind, 1e-3f) with { Step = 10 };

    [Benchmark]
    public void Gemm()
    {
        acc!.Gemm(GemmLayout.NT, Batch, Hidden, Pixels, x!, w!, h!, bias: bias!, activation: Activation.Relu);
        acc.Synchronize();
    }

    [Benchmark]
    public void Fill()
    {
        acc!.Fill(g!, 0);
        acc.Synchronize();
    }

    [Benchmark]
    public void ColumnSum()
    {
        acc!.ColumnSum(h!, Batch, Hidden, bias!, accumulate: true);
        acc.Synchronize();
    }

    [Benchmark]
    public void ReluForward()
    {
        acc!.ActivationForward(Activation.Relu, dh!, h!, Hid);
        acc.Synchronize();
    }

    [Benchmark]
    public void ReluBackward()
    {
        acc!.ActivationBackward(Activation.Relu, h!, dh!, dh!, Hid);
        acc.Synchronize();
    }

    [Benchmark]
    public void FillNormal()
    {
        acc!.FillNormal(eps!, Lat, 1, 2);
        acc.Synchronize();
    }

    [Benchmark]
    public void ReparameterizeForward()
    {
        acc!.ReparameterizeForward(mu!, logvar!, eps!, z!, Lat, 1, 2);
        acc.Synchronize();
    }

    [Benchmark]
    public void ReparameterizeBackward()
    {
        acc!.ReparameterizeBackward(dz!, eps!, logvar!, dmu!, dlogvar!, Lat);
        acc.Synchronize();
    }

    [Benchmark]
    public void BceWithLogits()
    {
        acc!.BceWithLogits(x!, targets!, Batch, Pixels, rows!, dx!, 1f / Batch);
        acc.Synchronize();
    }

    [Benchmark]
    public void MseOnSigmoid()
    {
        acc!.MseOnSigmoid(x!, targets!, Batch, Pixels, rows!, dx!, 1f / Batch);
        acc.Synchronize();
    }

    [Benchmark]
    public void KlDivergence()
    {
        acc!.KlDivergence(mu!, logvar!, Batch, Latent, rows!, dmu!, dlogvar!, 1f / Batch);
        acc.Synchronize();
    }

    [Benchmark]
    public void SumInto()
    {
        acc!.SumInto(x!, Img, total!);
        acc.Synchronize();
    }

    [Benchmark]
    public void Adam()
    {
        acc!.OptimizerStep(Step(OptimizerKind.Adam), p!, g!, s1!, s2!, Parameters);
        acc.Synchronize();
    }

    [Benchmark]
    public void Sgd()
    {
        acc!.OptimizerStep(Step(OptimizerKind.Sgd), p!, g!, s1!, default, Parameters);
        acc.Synchronize();
    }

    [Benchmark]
    public void RmsProp()
    {
        acc!.OptimizerStep(Step(OptimizerKind.RmsProp), p!, g!, s1!, default, Parameters);
        acc.Synchronize();
    }

    [Benchmark]
    public void Adagrad()
    {
        acc!.OptimizerStep(Step(OptimizerKind.Adagrad), p!, g!, s1!, default, Parameters);
        acc.Synchronize();
    }

    [Benchmark]
    public void GatherImages()
    {
        acc!.GatherImages(images!, Pixels, indices!, Batch, x!);
        acc.Synchronize();
    }

    [Benchmark]
    public void GatherOneHot()
    {
        acc!.GatherOneHot(labels!, indices!, Batch, Classes, wide!.Slice(0, Batch * Classes));
        acc.Synchronize();
    }

    [Benchmark]
    public void CopyColumns()
    {
        acc!.CopyColumns(wide!, Batch, Latent + Classes, 0, z!, Latent, 0, Latent);
        acc.Synchronize();
    }

    private sealed class Settings : ManualConfig
    {
        public Settings()
        {
            AddColumn(new ThroughputColumn());
            AddExporter(MarkdownExporter.GitHub);
        }
    }
}

/// <summary>GB/s (bytes from <see cref="OpBenchmarks.Bytes"/>) or GFLOP/s (the GEMM) over the mean.</summary>
public sealed class ThroughputColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(ThroughputColumn);
    /// <inheritdoc/>
    public string ColumnName => "Throughput";
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Metric;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => false;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => "GB/s of bytes the op must move (GFLOP/s for Gemm), over the mean";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats) return "-";
        string name = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (name == nameof(OpBenchmarks.Gemm)) return $"{OpBenchmarks.GemmFlops / stats.Mean:F1} GFLOP/s";
        return OpBenchmarks.Bytes.TryGetValue(name, out double bytes) ? $"{bytes / stats.Mean:F2} GB/s" : "-";
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
