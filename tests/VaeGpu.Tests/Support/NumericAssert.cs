// Tolerance checks shared by all numeric tests: |actual - reference| <= atol + rtol * |reference|,
// with a failure message that names the first bad values and their indices, the largest
// difference and where it is, and the seed that produced the inputs, so a failure can be replayed.
using System.Text;
using Xunit.Sdk;

namespace VaeGpu.Tests.Support;

/// <summary>An absolute and a relative tolerance: |a - r| &lt;= Atol + Rtol * |r|.</summary>
public readonly record struct Tolerance(double Atol, double Rtol)
{
    /// <summary>Exact equality (used where every backend must produce the same bits).</summary>
    public static Tolerance Exact => new(0, 0);

    /// <inheritdoc/>
    public override string ToString() => $"atol={Atol:G3}, rtol={Rtol:G3}";
}

/// <summary>Assertions that compare device results with float64 references.</summary>
public static class NumericAssert
{
    /// <summary>How many bad values a failure message lists.</summary>
    private const int ShownBad = 5;

    /// <summary>Checks every element against one tolerance.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, Tolerance tolerance,
        string what, int seed)
    {
        var atol = new double[expected.Length];
        Array.Fill(atol, tolerance.Atol);
        Close(actual, expected, atol, tolerance.Rtol, what, seed);
    }

    /// <summary>
    /// Checks every element against its own absolute tolerance (error bounds that depend on the inputs).
    /// </summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected,
        ReadOnlySpan<double> atol,
        double rtol, string what, int seed)
    {
        if (actual.Length != expected.Length || atol.Length != expected.Length)
            throw new XunitException($"{what}: {actual.Length} values, {expected.Length} references, " +
                $"{atol.Length} tolerances (seed {seed})");
        int bad = 0, maxIndex = -1;
        double maxDiff = -1;
        var shown = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            double allowed = atol[i] + rtol * Math.Abs(expected[i]);
            // NaN and infinities fail here unless the reference is the same infinity.
            bool ok = diff <= allowed || (double)actual[i] == expected[i];
            if (double.IsNaN(diff) || diff > maxDiff)
            {
                maxDiff = double.IsNaN(diff) ? double.PositiveInfinity : diff;
                maxIndex = i;
            }
            if (ok) continue;
            if (bad < ShownBad)
                shown.Append($"\n  [{i}] got {actual[i]:G9}, want {expected[i]:G17}, " +
                    $"diff {diff:G3}, allowed {allowed:G3}");
            bad++;
        }
        if (bad == 0) return;
        throw new XunitException(
            $"{what}: {bad} of {actual.Length} values outside |a - r| <= atol + rtol*|r| (rtol={rtol:G3}); " +
            $"first bad:{shown}\n  max abs diff {maxDiff:G3} at [{maxIndex}] " +
            $"(got {actual[maxIndex]:G9}, want {expected[maxIndex]:G17}); seed {seed}");
    }

    /// <summary>Checks bit-for-bit equality (copies, gathers, determinism).</summary>
    public static void Equal<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, string what, int seed)
        where T : unmanaged, IEquatable<T>
    {
        if (actual.Length != expected.Length)
            throw new XunitException(
                $"{what}: {actual.Length} values, {expected.Length} expected (seed {seed})");
        int bad = 0;
        var shown = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            if (BitEqual(actual[i], expected[i])) continue;
            if (bad < ShownBad) shown.Append($"\n  [{i}] got {actual[i]}, want {expected[i]}");
            bad++;
        }
        if (bad > 0)
            throw new XunitException(
                $"{what}: {bad} of {actual.Length} values differ; first:{shown}\n  seed {seed}");
    }

    /// <summary>Checks that every value is finite.</summary>
    public static void AllFinite(ReadOnlySpan<float> values, string what, int seed)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new XunitException($"{what}: value [{i}] is {values[i]} (seed {seed})");
    }

    private static bool BitEqual<T>(T a, T b) where T : unmanaged, IEquatable<T>
    {
        // Bit equality for floats: NaN == NaN with the same payload, and -0 != +0.
        if (a is float fa
            && b is float fb) return BitConverter.SingleToInt32Bits(fa) == BitConverter.SingleToInt32Bits(fb);
        return a.Equals(b);
    }
}
