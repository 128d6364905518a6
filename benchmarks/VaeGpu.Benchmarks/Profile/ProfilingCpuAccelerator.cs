// The cpu backend with a stopwatch around every op: time and calls per op family, and a record of the
// GEMM calls so that an epoch's GEMMs can be replayed alone (the GEMM-only floor). Benchmarks only; the
// product's CpuAccelerator is untouched by it (a derived class, so views and buffers stay its own).
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;

namespace VaeGpu.Benchmarks.Profile;

/// <summary>Op families of the profile, in the order the table prints them.</summary>
public enum OpFamily
{
    Gemm, ConvForward, ConvBackwardInput, ConvBackwardWeights, PoolAndNorm, BiasGradient, Activation,
    Reparameterize, Loss, Optimizer, Gather, HostSync, Copy, Noise,
}

/// <summary>A <see cref="CpuAccelerator"/> that times every op by family and records GEMM calls.</summary>
public sealed partial class ProfilingCpuAccelerator(int threads) : CpuAccelerator(threads)
{
    private readonly long[] _ticks = new long[Enum.GetValues<OpFamily>().Length];
    private readonly long[] _calls = new long[Enum.GetValues<OpFamily>().Length];
    private readonly List<GemmCall> _gemms = new(capacity: 16_384);

    /// <summary>One recorded GEMM call with the views it used.</summary>
    private readonly record struct GemmCall(GemmLayout Layout, int M, int N, int K, BufferView<float> A,
        BufferView<float> B, BufferView<float> C, bool Accumulate, BufferView<float> Bias, Activation Act);

    /// <summary>Whether GEMM calls are recorded for <see cref="ReplayGemms"/>.</summary>
    public bool Recording { get; set; }

    /// <summary>Seconds spent in ops of <paramref name="family"/> since the last reset.</summary>
    public double Seconds(OpFamily family) => _ticks[(int)family] / (double)Stopwatch.Frequency;

    /// <summary>Calls of ops of <paramref name="family"/> since the last reset.</summary>
    public long Calls(OpFamily family) => _calls[(int)family];

    /// <summary>Recorded GEMM calls.</summary>
    public int RecordedGemms => _gemms.Count;

    /// <summary>Clears the times, the counts and the GEMM record.</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_calls);
        _gemms.Clear();
        _convs.Clear();
    }

    /// <summary>Per GEMM shape of the last <see cref="ReplayGemms"/>: calls, seconds and floating-point
    /// operations, the longest first.</summary>
    public IReadOnlyList<(string Shape, int Calls, double Seconds, double Flops)> ReplayShapes
    {
        get; private set;
    } = [];

    /// <summary>Runs the recorded GEMM calls again, in order, untimed by family; returns seconds.</summary>
    public double ReplayGemms()
    {
        var shapes = new Dictionary<string, (int Calls, double Seconds, double Flops)>();
        long start = Stopwatch.GetTimestamp();
        foreach (var g in _gemms)
        {
            long t = Stopwatch.GetTimestamp();
            base.GemmCore(g.Layout, g.M, g.N, g.K, g.A, g.B, g.C, g.Accumulate, g.Bias, g.Act);
            double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
            string shape = $"{g.M}x{g.K}x{g.N} {g.Layout}{(g.Accumulate ? " +=" : "")}"
                + $"{(g.Bias.IsEmpty ? "" : " bias")}{(g.Act == Activation.Identity ? "" : $" {g.Act}")}";
            var sum = shapes.GetValueOrDefault(shape);
            shapes[shape] = (sum.Calls + 1, sum.Seconds + seconds, sum.Flops + 2.0 * g.M * g.N * g.K);
        }
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        ReplayShapes = shapes.Select(kv => (kv.Key, kv.Value.Calls, kv.Value.Seconds, kv.Value.Flops))
            .OrderByDescending(row => row.Seconds).ToList();
        return total;
    }

    private void Add(OpFamily family, long start)
    {
        _ticks[(int)family] += Stopwatch.GetTimestamp() - start;
        _calls[(int)family]++;
    }

    protected override void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias,
        Activation activation)
    {
        if (_inPair)
        {
            base.GemmCore(layout, m, n, k, a, b, c, accumulate, bias, activation);
            return;
        }
        if (Recording) _gemms.Add(new(layout, m, n, k, a, b, c, accumulate, bias, activation));
        long t = Stopwatch.GetTimestamp();
        base.GemmCore(layout, m, n, k, a, b, c, accumulate, bias, activation);
        Add(OpFamily.Gemm, t);
    }

    // A pair of products (a layer's weight and input gradients) counts as two GEMM calls; the replay runs
    // them one after the other.
    protected override void GemmPairCore(GemmLayout layout1, int m1, int n1, int k1, BufferView<float> a1,
        BufferView<float> b1, BufferView<float> c1, bool accumulate1, GemmLayout layout2, int m2, int n2,
        int k2, BufferView<float> a2, BufferView<float> b2, BufferView<float> c2, bool accumulate2)
    {
        if (Recording)
        {
            _gemms.Add(new(layout1, m1, n1, k1, a1, b1, c1, accumulate1, default, Activation.Identity));
            _gemms.Add(new(layout2, m2, n2, k2, a2, b2, c2, accumulate2, default, Activation.Identity));
        }
        long t = Stopwatch.GetTimestamp();
        _inPair = true; // a pair run one after the other comes back through GemmCore: not counted again
        try
        {
            base.GemmPairCore(layout1, m1, n1, k1, a1, b1, c1, accumulate1, layout2, m2, n2, k2, a2, b2, c2,
                accumulate2);
        }
        finally
        {
            _inPair = false;
        }
        Add(OpFamily.Gemm, t);
        _calls[(int)OpFamily.Gemm]++;
    }

    private bool _inPair;

    protected override void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums,
        bool accumulate)
    {
        long t = Stopwatch.GetTimestamp();
        base.ColumnSumCore(x, rows, cols, sums, accumulate);
        Add(OpFamily.BiasGradient, t);
    }

    protected override void ActivationForwardCore(Activation activation, BufferView<float> x,
        BufferView<float> y, int n)
    {
        long t = Stopwatch.GetTimestamp();
        base.ActivationForwardCore(activation, x, y, n);
        Add(OpFamily.Activation, t);
    }

    protected override void ActivationBackwardCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int n)
    {
        long t = Stopwatch.GetTimestamp();
        base.ActivationBackwardCore(activation, y, dy, dx, n);
        Add(OpFamily.Activation, t);
    }
}
