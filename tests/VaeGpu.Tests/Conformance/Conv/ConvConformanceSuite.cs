// The conformance suite of the convolutional ops (conv, transposed conv, pooling, batch norm), written
// once against Accelerator and run per backend by thin subclasses, like ConformanceSuite (its own class
// so the two suites can grow apart). References are plain float64 code in ConvReference.cs; inputs are
// fresh random numbers inside NaN-guarded buffers.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance.Conv;

/// <summary>Conv, pooling and batch-norm tests; subclasses choose the backend.</summary>
public abstract partial class ConvConformanceSuite : IDisposable
{
    /// <summary>Unit roundoff of float32.</summary>
    protected const double U = 1.0 / (1 << 24);

    private readonly List<Action> _guardChecks = [];
    private readonly List<IDisposable> _owned = [];
    private Accelerator? _accelerator;

    /// <summary>Creates the suite; the seed of this test's inputs goes to <paramref
    /// name="output"/>.</summary>
    protected ConvConformanceSuite(ITestOutputHelper output)
    {
        Output = output;
        Rng = new TestRandom(output);
    }

    /// <summary>Test output.</summary>
    protected ITestOutputHelper Output { get; }

    /// <summary>This test's random inputs.</summary>
    protected TestRandom Rng { get; }

    /// <summary>The accelerator under test.</summary>
    protected Accelerator Acc => _accelerator ??= CreateAccelerator();

    /// <summary>Creates the backend's accelerator.</summary>
    protected abstract Accelerator CreateAccelerator();

    /// <summary>True for slow backends: the tests then run only their small cases.</summary>
    protected virtual bool SmallSizes => false;

    /// <summary>gamma_n = n u / (1 - n u), the worst-case relative error of an n-term float32 sum.</summary>
    protected static double Gamma(long terms) => terms * U / (1 - terms * U);

    /// <summary>Uploads data at a random offset between NaN guard cells.</summary>
    protected BufferView<float> Put(float[] data) => Put(data, BitConverter.Int32BitsToSingle(0x7FC0_1234));

    /// <summary>Uploads data at a random offset between guard cells holding <paramref
    /// name="guard"/>.</summary>
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
            NumericAssert.Equal<T>(now.AsSpan(0, before), host.AsSpan(0, before), "guard cells before",
                Rng.Seed);
            NumericAssert.Equal<T>(now.AsSpan(before + data.Length), host.AsSpan(before + data.Length),
                "guard cells after", Rng.Seed);
        });
        return buffer.Slice(before, data.Length);
    }

    /// <summary>A guarded output view of n NaNs.</summary>
    protected BufferView<float> Output0(int n)
    {
        var data = new float[n];
        Array.Fill(data, float.NaN);
        return Put(data);
    }

    /// <summary>Reads a view back.</summary>
    protected T[] Get<T>(BufferView<T> view) where T : unmanaged => Acc.ToArray(view);

    /// <summary>Checks that no op wrote outside its views.</summary>
    protected void CheckGuards()
    {
        foreach (var check in _guardChecks) check();
    }

    /// <summary>Compares with a float64 reference under per-element absolute bounds plus rtol.</summary>
    protected void Close(BufferView<float> actual, double[] expected, double[] atol, double rtol,
        string what) =>
        NumericAssert.Close(Get(actual), expected, atol, rtol, $"{Acc.Kind} {what}", Rng.Seed);

    /// <summary>Float64 copy of float32 data.</summary>
    protected static double[] D(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>Disposes buffers, then the accelerator.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _accelerator?.Dispose();
        GC.SuppressFinalize(this);
    }
}
