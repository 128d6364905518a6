// The cross-backend conformance suite: written once against Accelerator, run for every backend by a
// thin subclass ([Backend(kind)] + CreateAccelerator). Every op is compared with plain float64 code
// written here, on fresh random inputs (seed in the output and in every failure message) and awkward
// sizes. Inputs and outputs sit at random offsets inside guarded buffers, so reads or writes outside
// a view are caught. Tolerances are named constants below, the same for every backend.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace VaeGpu.Tests.Conformance;

/// <summary>The op-by-op conformance tests; subclasses choose the backend.</summary>
public abstract partial class ConformanceSuite : IDisposable
{
    /// <summary>
    /// Unit roundoff of float32 (2^-24): one correctly rounded operation errs by at most this, relatively.
    /// </summary>
    protected const double U = 1.0 / (1 << 24);

    /// <summary>
    /// Relative error allowed for exp/log/tanh/sin/cos/sqrt and a few roundings around them: OpenCL allows
    /// 3-5 ulp for these, CUDA 1-2 ulp, .NET about 1; 1e-6 is about 8 ulp of float32.
    /// </summary>
    protected const double TranscendentalRtol = 1e-6;

    /// <summary>
    /// Absolute error allowed near zero for formulas like tanh = (1 - e)/(1 + e) or 1 - y*y, whose error is
    /// a few ulp of 1 rather than of the (small) result: 4 u.
    /// </summary>
    protected const double NearZeroAtol = 4 * U;

    /// <summary>
    /// Awkward sizes from the issue: 1, primes, non-multiples of SIMD widths and tiles, MNIST's 784.
    /// </summary>
    protected static readonly int[] AwkwardSizes = [1, 3, 7, 17, 31, 129, 400, 784];

    private readonly List<Action> _guardChecks = [];
    private readonly List<IDisposable> _owned = [];
    private Accelerator? _accelerator;

    /// <summary>
    /// Creates the suite; the seed of this test's inputs goes to <paramref name="output"/>.
    /// </summary>
    protected ConformanceSuite(ITestOutputHelper output)
    {
        Output = output;
        Rng = new TestRandom(output);
    }

    /// <summary>Test output (seed, sizes).</summary>
    protected ITestOutputHelper Output { get; }

    /// <summary>This test's random inputs.</summary>
    protected TestRandom Rng { get; }

    /// <summary>The seed of this test's inputs.</summary>
    protected int Seed => Rng.Seed;

    /// <summary>The accelerator under test, created on first use.</summary>
    protected Accelerator Acc => _accelerator ??= CreateAccelerator();

    /// <summary>Creates the backend's accelerator (the only thing a subclass supplies).</summary>
    protected abstract Accelerator CreateAccelerator();

    /// <summary>
    /// True for slow backends (ILGPU's CPU accelerator emulates GPU threads): the heavy tests then run a
    /// fresh random few of their shapes (<see cref="Few{T}"/>) and smaller batches.
    /// </summary>
    protected virtual bool SmallSizes => false;

    /// <summary>
    /// All of <paramref name="items"/>, or with <see cref="SmallSizes"/> a random <paramref name="keep"/>
    /// of them (drawn from this test's seed, so a failure names the seed that chose them).
    /// </summary>
    protected IEnumerable<T> Few<T>(IEnumerable<T> items, int keep)
    {
        var all = items.ToList();
        if (!SmallSizes || all.Count <= keep) return all;
        var chosen = all.Select(item => (Key: Rng.Next(0, int.MaxValue), Item: item))
            .OrderBy(pair => pair.Key).Take(keep).Select(pair => pair.Item).ToList();
        Output.WriteLine($"small sizes: {string.Join(", ", chosen)} of {all.Count}");
        return chosen;
    }

    /// <summary>
    /// gamma_n = n u / (1 - n u): the worst-case relative error of a sum of n terms in any order.
    /// </summary>
    protected static double Gamma(long terms) => terms * U / (1 - terms * U);

    /// <summary>
    /// Uploads <paramref name="data"/> into a fresh buffer at a random offset, NaN guard cells around it.
    /// </summary>
    protected BufferView<float> Put(float[] data) => Put(data, BitConverter.Int32BitsToSingle(0x7FC0_1234));

    /// <summary>A guarded output view of n elements pre-filled with <paramref name="fill"/>.</summary>
    protected BufferView<float> Output0(int n, float fill = float.NaN)
    {
        var data = new float[n];
        Array.Fill(data, fill);
        return Put(data);
    }

    /// <summary>
    /// Uploads <paramref name="data"/> at a random offset between guard cells holding
    /// <paramref name="guard"/>.
    /// </summary>
    protected BufferView<T> Put<T>(T[] data, T guard) where T : unmanaged, IEquatable<T>
    {
        int before = Rng.Next(0, 8), after = Rng.Next(1, 9);
        var host = new T[before + data.Length + after];
        Array.Fill(host, guard);
        data.CopyTo(host, before);
        var buffer = Acc.Upload<T>(host);
        _owned.Add(buffer);
        _guardChecks.Add(() =>
        {
            var now = Acc.ToArray(buffer.View);
            NumericAssert.Equal<T>(now.AsSpan(0, before), host.AsSpan(0, before),
                $"guard cells before a view of {data.Length}", Seed);
            NumericAssert.Equal<T>(now.AsSpan(before + data.Length), host.AsSpan(before + data.Length),
                $"guard cells after a view of {data.Length}", Seed);
        });
        return buffer.Slice(before, data.Length);
    }

    /// <summary>Reads a view back.</summary>
    protected T[] Get<T>(BufferView<T> view) where T : unmanaged => Acc.ToArray(view);

    /// <summary>Checks that no op wrote outside its views (every guard cell still holds its value).</summary>
    protected void CheckGuards()
    {
        foreach (var check in _guardChecks) check();
    }

    /// <summary>
    /// Compares with a float64 reference under one tolerance; the message carries backend, case and seed.
    /// </summary>
    protected void Close(BufferView<float> actual, double[] expected, Tolerance tolerance, string what) =>
        NumericAssert.Close(Get(actual), expected, tolerance, $"{Acc.Kind} {what}", Seed);

    /// <summary>
    /// Compares with a float64 reference under per-element absolute bounds plus a relative tolerance.
    /// </summary>
    protected void Close(BufferView<float> actual, double[] expected, double[] atol, double rtol,
        string what) =>
        NumericAssert.Close(Get(actual), expected, atol, rtol, $"{Acc.Kind} {what}", Seed);

    /// <summary>Float64 copy of float32 data.</summary>
    protected static double[] D(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>The activation in float64.</summary>
    protected static double Act(Activation activation, double x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => x > 0 ? x : 0,
        Activation.LeakyRelu => x > 0 ? x : (double)0.01f * x,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => throw new XunitException($"no reference for {activation}"),
    };

    /// <summary>The activation's derivative in float64, from its output y.</summary>
    protected static double ActDerivative(Activation activation, double y) => activation switch
    {
        Activation.Identity => 1,
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.LeakyRelu => y > 0 ? 1 : (double)0.01f,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => throw new XunitException($"no reference for {activation}"),
    };

    /// <summary>All activations, for theories.</summary>
    public static TheoryData<Activation> Activations => new(Enum.GetValues<Activation>());

    /// <summary>All GEMM layouts, for theories.</summary>
    public static TheoryData<GemmLayout> Layouts => new(Enum.GetValues<GemmLayout>());

    /// <summary>All optimizers, for theories.</summary>
    public static TheoryData<OptimizerKind> Optimizers => new(Enum.GetValues<OptimizerKind>());

    /// <summary>Disposes buffers, then the accelerator.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _accelerator?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Tracks a buffer for disposal at the end of the test.</summary>
    protected DeviceBuffer<T> Own<T>(DeviceBuffer<T> buffer) where T : unmanaged
    {
        _owned.Add(buffer);
        return buffer;
    }
}
