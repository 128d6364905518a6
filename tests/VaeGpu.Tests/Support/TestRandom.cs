// Fresh random inputs for every test run: the seed comes from Random.Shared, is written to the test
// output, and is passed into every failure message, so a failing run can be replayed with that seed
// (VAEGPU_TEST_SEED=N in the environment makes every test of the run use N).
// Values are never all zero (a test on zeros passes for many wrong kernels).
using Xunit.Abstractions;

namespace VaeGpu.Tests.Support;

/// <summary>A seeded source of test inputs; one per test.</summary>
public sealed class TestRandom
{
    private readonly System.Random _rng;

    /// <summary>
    /// Creates a source with a fresh seed (or <paramref name="seed"/> to replay a failure) and logs it.
    /// </summary>
    public TestRandom(ITestOutputHelper? output, int? seed = null)
    {
        Seed = seed ?? FreshSeed();
        _rng = new System.Random(Seed);
        output?.WriteLine($"random inputs from seed {Seed}");
    }

    /// <summary>A fresh seed, or VAEGPU_TEST_SEED from the environment (to replay a logged failure).
    /// </summary>
    public static int FreshSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("VAEGPU_TEST_SEED"), out int replay)
            ? replay : System.Random.Shared.Next();

    /// <summary>The seed of this run; failure messages include it.</summary>
    public int Seed { get; }

    /// <summary>n floats uniform in [lo, hi); never all zero.</summary>
    public float[] Uniform(int n, float lo, float hi)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(lo + (hi - lo) * _rng.NextDouble());
        if (Array.TrueForAll(values, v => v == 0)) values[0] = hi != 0 ? hi : lo;
        return values;
    }

    /// <summary>
    /// n floats of the form j / denominator with 0 &lt; |j| &lt;= maxNumerator: few significant bits, so
    /// sums and products of them are exact in float32 in any order (used where results must be exact).
    /// </summary>
    public float[] Grid(int n, int maxNumerator, int denominator)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            int j = _rng.Next(1, maxNumerator + 1);
            values[i] = (float)(_rng.Next(2) == 0 ? j : -j) / denominator;
        }
        return values;
    }

    /// <summary>n integers in [0, max).</summary>
    public int[] Ints(int n, int max)
    {
        var values = new int[n];
        for (int i = 0; i < n; i++) values[i] = _rng.Next(max);
        return values;
    }

    /// <summary>n random bytes, not all zero.</summary>
    public byte[] Bytes(int n)
    {
        var values = new byte[n];
        _rng.NextBytes(values);
        if (Array.TrueForAll(values, v => v == 0)) values[0] = 255;
        return values;
    }

    /// <summary>An integer in [lo, hi).</summary>
    public int Next(int lo, int hi) => _rng.Next(lo, hi);

    /// <summary>A random 64-bit value (RNG seeds and streams).</summary>
    public ulong NextUInt64() => (ulong)_rng.NextInt64() ^ ((ulong)_rng.Next(2) << 63);
}
