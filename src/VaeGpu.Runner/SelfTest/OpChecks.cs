// The op-by-op half of the self-test: every op of the set runs on the accelerator under test and on
// the cpu backend (itself checked against float64 by the conformance suite) with the same fresh
// random inputs at awkward sizes, and the results must agree within |a - r| <= atol + rtol |r|.
using VaeGpu.Kernels;

namespace VaeGpu.Runner.SelfTest;

/// <summary>One op comparison: the largest difference, where it is, and whether it is within tolerance.</summary>
public sealed record OpCheckResult(string Op, int Count, double MaxDifference, int MaxIndex, float Got, float Want,
    bool Passed);

/// <summary>Runs each op on a target and a reference accelerator and compares the results.</summary>
internal sealed partial class OpChecks(Accelerator target, Accelerator reference, int seed)
{
    private readonly List<OpCheckResult> _results = [];

    public IReadOnlyList<OpCheckResult> Results => _results;

    /// <summary>Compares the outputs of <paramref name="run"/> on both accelerators (same inputs).</summary>
    public void Check(string op, double atol, double rtol, Func<Scope, float[]> run)
    {
        float[] got, want;
        using (var scope = new Scope(target)) got = run(scope);
        using (var scope = new Scope(reference)) want = run(scope);
        _results.Add(Compare(op, got, want, atol, rtol));
    }

    /// <summary>The comparison rule; NaN matches only NaN, and a length mismatch fails.</summary>
    internal static OpCheckResult Compare(string op, float[] got, float[] want, double atol, double rtol)
    {
        if (got.Length != want.Length) return new(op, got.Length, double.PositiveInfinity, -1, 0, 0, false);
        int firstBad = -1, maxAt = 0;
        double max = 0;
        for (int i = 0; i < got.Length; i++)
        {
            double diff = got[i].Equals(want[i]) ? 0 : Math.Abs((double)got[i] - want[i]);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            if (diff > atol + rtol * Math.Abs(want[i]) && firstBad < 0) firstBad = i;
            if (diff > max) { max = diff; maxAt = i; }
        }
        int at = firstBad >= 0 ? firstBad : maxAt;
        return new(op, got.Length, max, at, got.Length > 0 ? got[at] : 0, want.Length > 0 ? want[at] : 0,
            firstBad < 0);
    }

    /// <summary>A fresh generator for one check's inputs, derived from the run's seed and the op's name.</summary>
    public Random Inputs(string op) => new(HashCode.Combine(seed, StableHash(op)));

    private static int StableHash(string text)
    {
        int h = 17;
        foreach (char c in text) h = h * 31 + c;
        return h;
    }

    /// <summary>Buffers for one run of a check, all freed at its end.</summary>
    internal sealed class Scope(Accelerator accelerator) : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public Accelerator Acc => accelerator;

        public BufferView<T> Up<T>(T[] data) where T : unmanaged => Own(accelerator.Upload<T>(data)).View;

        public BufferView<float> Zeros(int n)
        {
            var buffer = Own(accelerator.Allocate<float>(n));
            accelerator.Fill(buffer.View, 0);
            return buffer.View;
        }

        public float[] Read(BufferView<float> view) => accelerator.ToArray(view);

        /// <summary>Several views read back one after another into one array.</summary>
        public float[] Read(params BufferView<float>[] views) => views.SelectMany(v => accelerator.ToArray(v)).ToArray();

        private DeviceBuffer<T> Own<T>(DeviceBuffer<T> buffer) where T : unmanaged
        {
            _owned.Add(buffer);
            return buffer;
        }

        public void Dispose()
        {
            foreach (var item in _owned) item.Dispose();
        }
    }

    internal static float[] Uniform(Random rng, int n, double lo, double hi)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return values;
    }
}
