// digit-KID: the kernel inception distance of Binkowski et al. (2018) on our classifier's features
// instead of Inception's. The unbiased estimate of MMD^2 with the cubic polynomial kernel
// k(x, y) = (x.y / d + 1)^3, averaged over subsets drawn without replacement (10 of 1,000 by default),
// reported as mean and standard deviation. Unlike the FID it is unbiased, so small samples compare.
using System.Numerics;
using System.Runtime.InteropServices;

namespace VaeGpu.Runner.Evaluation;

/// <summary>A KID: the mean and standard deviation of the unbiased MMD^2 over the subsets.</summary>
public sealed record KidResult(double Mean, double Std, int Subsets, int SubsetSize);

/// <summary>The unbiased MMD^2 with the cubic polynomial kernel, over random subsets.</summary>
public static class KernelDistance
{
    /// <summary>Subsets averaged by default.</summary>
    public const int DefaultSubsets = 10;

    /// <summary>Rows per subset by default (fewer when either sample is smaller).</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>k(x, y) = (x.y / d + 1)^3 for two rows of d features.</summary>
    public static double Kernel(ReadOnlySpan<float> x, ReadOnlySpan<float> y) =>
        Math.Pow(Dot(x, y) / x.Length + 1, 3);

    // x.y in float lanes, the lanes and the tail summed in double: 256 features stay near 1e-7 relative.
    private static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < xv.Length; i++) acc += xv[i] * yv[i];
        double sum = Vector.Sum(acc);
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) sum += (double)x[i] * y[i];
        return sum;
    }

    /// <summary>
    /// The KID of x (n, d) against y (m, d): subsets of min(subsetSize, n, m) rows of each, drawn
    /// without replacement by a Random seeded with <paramref name="seed"/>; mean and std over subsets.
    /// </summary>
    public static KidResult Compute(float[] x, int n, float[] y, int m, int d, int subsets = DefaultSubsets,
        int subsetSize = DefaultSubsetSize, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (d <= 0 || n < 2 || m < 2 || subsets < 1 || subsetSize < 2)
            throw new ArgumentOutOfRangeException(nameof(n),
                $"KID needs d > 0, >= 2 rows each, >= 1 subset of >= 2; got d={d}, n={n}, m={m}");
        if (x.Length < (long)n * d || y.Length < (long)m * d)
            throw new ArgumentException($"feature arrays are shorter than ({n}, {d}) and ({m}, {d})");
        int size = Math.Min(subsetSize, Math.Min(n, m));
        var random = new Random(seed);
        var values = new double[subsets];
        var xs = new float[size * d];
        var ys = new float[size * d];
        for (int s = 0; s < subsets; s++)
        {
            Pick(x, n, d, size, random, xs);
            Pick(y, m, d, size, random, ys);
            values[s] = UnbiasedMmd2(xs, ys, size, d);
        }
        double mean = values.Average();
        double std = subsets > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (subsets - 1)) : 0;
        return new KidResult(mean, std, subsets, size);
    }

    /// <summary>
    /// Unbiased MMD^2 of two samples of s rows each: the mean of k over distinct pairs within x, plus
    /// the same within y, minus twice the mean of k over all pairs across.
    /// </summary>
    public static double UnbiasedMmd2(float[] x, float[] y, int s, int d)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        double within = 0, across = 0;
        for (int i = 0; i < s; i++)
        {
            var xi = x.AsSpan(i * d, d);
            var yi = y.AsSpan(i * d, d);
            for (int j = i + 1; j < s; j++)
                within += 2 * (Kernel(xi, x.AsSpan(j * d, d)) + Kernel(yi, y.AsSpan(j * d, d)));
            for (int j = 0; j < s; j++) across += Kernel(xi, y.AsSpan(j * d, d));
        }
        return within / ((double)s * (s - 1)) - 2 * across / ((double)s * s);
    }

    // A subset of `size` distinct rows of source (rows, d) into destination: a partial Fisher-Yates shuffle.
    private static void Pick(float[] source, int rows, int d, int size, Random random, float[] destination)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, rows);
            (order[i], order[j]) = (order[j], order[i]);
            source.AsSpan(order[i] * d, d).CopyTo(destination.AsSpan(i * d, d));
        }
    }
}
