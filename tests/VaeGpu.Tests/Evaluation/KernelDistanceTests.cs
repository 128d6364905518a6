// Known answers for the digit-KID: the unbiased MMD^2 with the cubic kernel (x.y/d + 1)^3 on a case
// worked by hand, against plain float64 code on fresh random features of awkward sizes, its
// unbiasedness (two samples of one distribution average near 0), and a shifted sample far above it.
using VaeGpu.Runner.Evaluation;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

public sealed class KernelDistanceTests(ITestOutputHelper output)
{
    [Fact]
    public void HandWorkedCase()
    {
        // d = 1, x = {0, 1}, y = {1, 2}: k(a, b) = (ab + 1)^3.
        // within x: k(0,1) = 1 (both orders) -> 2 / (2 * 1) = 1; within y: k(1,2) = 27 -> 27;
        // across: k(0,1) + k(0,2) + k(1,1) + k(1,2) = 1 + 1 + 8 + 27 = 37 -> 2 * 37 / 4 = 18.5.
        Assert.Equal(1 + 27 - 18.5, KernelDistance.UnbiasedMmd2([0, 1], [1, 2], 2, 1), 12);
        // One subset of all rows is the same number, with a std of 0.
        var kid = KernelDistance.Compute([0, 1], 2, [1, 2], 2, 1, subsets: 1);
        Assert.Equal(9.5, kid.Mean, 12);
        Assert.Equal(0, kid.Std);
    }

    [Theory]
    [InlineData(7, 5, 1)]
    [InlineData(13, 13, 17)]
    [InlineData(31, 29, 256)]
    public void MatchesFloat64(int n, int m, int d)
    {
        var random = new TestRandom(output);
        var x = random.Uniform(n * d, -2, 3);
        var y = random.Uniform(m * d, -1, 2);
        int s = Math.Min(n, m); // the first s rows of each sample
        double expected = Reference(x.AsSpan(0, s * d).ToArray(), y.AsSpan(0, s * d).ToArray(), s, d);
        double actual = KernelDistance.UnbiasedMmd2(x, y, s, d);
        Assert.True(Math.Abs(actual - expected) <= 1e-6 + 1e-5 * Math.Abs(expected),
            $"got {actual:R}, expected {expected:R} (seed {random.Seed})");
    }

    [Fact]
    public void UnbiasedNearZeroForOneDistributionAndLargeForAShift()
    {
        var random = new TestRandom(output);
        const int N = 1500, D = 8;
        var a = random.Uniform(N * D, 0, 1);
        var b = random.Uniform(N * D, 0, 1);
        var shifted = random.Uniform(N * D, 0.5f, 1.5f);
        var same = KernelDistance.Compute(a, N, b, N, D, subsets: 10, subsetSize: 1000, seed: random.Seed);
        var apart = KernelDistance.Compute(a, N, shifted, N, D, subsets: 10, subsetSize: 1000, seed: 3);
        output.WriteLine($"same {same.Mean:E3} +- {same.Std:E3}; shifted {apart.Mean:E3} +- {apart.Std:E3}");
        Assert.Equal(1000, same.SubsetSize);
        // The 10 subsets of 1000 are drawn from the same 1500 rows, so they overlap by two thirds and their
        // spread is not shrunk by sqrt(10): bound the mean by the subsets' own spread. Unbiasedness itself
        // is checked exactly against the float64 formula above.
        Assert.True(Math.Abs(same.Mean) < 4 * same.Std + 1e-4, $"same: {same}");
        Assert.True(apart.Mean > 100 * Math.Abs(same.Mean) && apart.Mean > 10 * apart.Std, $"apart: {apart}");
    }

    private static double Reference(float[] x, float[] y, int s, int d)
    {
        double K(float[] p, int i, float[] q, int j)
        {
            double dot = 0;
            for (int f = 0; f < d; f++) dot += (double)p[i * d + f] * q[j * d + f];
            double v = dot / d + 1;
            return v * v * v;
        }
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
            {
                if (i != j) { xx += K(x, i, x, j); yy += K(y, i, y, j); }
                xy += K(x, i, y, j);
            }
        return xx / (s * (s - 1.0)) + yy / (s * (s - 1.0)) - 2 * xy / ((double)s * s);
    }
}
