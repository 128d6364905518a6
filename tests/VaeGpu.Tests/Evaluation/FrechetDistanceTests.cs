// The Gaussian statistics and the Frechet distance on cases with known answers: identical sets give 0,
// commuting covariances give sum (sqrt a - sqrt b)^2, non-commuting 2 x 2 covariances match the
// closed form tr (S1^1/2 S2 S1^1/2)^1/2 = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)), the distance is
// symmetric, and samples from known Gaussians approach the distance of their parameters.
using VaeGpu.Runner.Evaluation;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

public sealed class FrechetDistanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 50)]
    [InlineData(33, 1000)]
    public void StatisticsMatchATwoPassFloat64Reference(int dim, int rows)
    {
        var random = new TestRandom(output);
        // A large common offset: a naive sum-of-squares formula would lose most digits here.
        var x = random.Uniform(rows * dim, -1f, 1f).Select(v => v + 1000f).ToArray();
        var accumulator = new GaussianAccumulator(dim);
        int half = rows / 2;
        accumulator.Add(x.AsSpan(0, half * dim), half); // two calls: streaming must equal one pass
        accumulator.Add(x.AsSpan(half * dim), rows - half);
        var stats = accumulator.ToStats();
        Assert.Equal(rows, stats.Count);
        var mean = new double[dim];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < dim; k++) mean[k] += (double)x[r * dim + k] / rows;
        for (int p = 0; p < dim; p++)
        {
            Near(stats.Mean[p], mean[p], 1e-12 * 1000, $"mean[{p}]", random.Seed);
            for (int q = 0; q < dim; q++)
            {
                double cov = 0;
                for (int r = 0; r < rows; r++)
                    cov += (x[r * dim + p] - mean[p]) * (x[r * dim + q] - mean[q]);
                cov /= rows - 1;
                Near(stats.Covariance[p * dim + q], cov, 1e-9, $"cov[{p},{q}]", random.Seed);
            }
        }
    }

    [Fact]
    public void IdenticalFeatureSetsAreAtDistanceZero()
    {
        var random = new TestRandom(output);
        const int dim = 40, rows = 600;
        var x = random.Uniform(rows * dim, 0f, 3f);
        for (int r = 0; r < rows; r++)
        {
            x[r * dim + 3] = 0; // dead ReLU features: a singular covariance, as real classifiers give
            x[r * dim + 17] = 0;
            x[r * dim + 5] = 0.5f * x[r * dim + 6] + 2f * x[r * dim + 7]; // and a dependent one
        }
        var stats = GaussianStats.Of(x, rows, dim);
        double fd = FrechetDistance.Compute(stats, stats);
        output.WriteLine($"FD(S, S) = {fd:G3}, trace {stats.Trace():G6}");
        Assert.True(Math.Abs(fd) <= 1e-9 * stats.Trace(),
            $"FD of identical sets = {fd:G17} (seed {random.Seed})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(24)]
    public void CommutingCovariancesGiveTheClosedForm(int dim)
    {
        var random = new TestRandom(output);
        var q = SymmetricEigenTests.RandomOrthogonal(random, dim);
        var a = random.Uniform(dim, 0.01f, 4f).Select(v => (double)v).ToArray();
        var b = random.Uniform(dim, 0.01f, 4f).Select(v => (double)v).ToArray();
        // One direction with almost no variance in the first set. Not exactly 0: at a singular covariance
        // the distance is not Lipschitz (sqrt), so the rounding of Q diag Q^T alone (1e-16) would move it
        // by ~1e-8; that case is covered where it cancels, by IdenticalFeatureSetsAreAtDistanceZero.
        a[0] = 1e-6;
        var mu1 = random.Uniform(dim, -2f, 2f).Select(v => (double)v).ToArray();
        var mu2 = random.Uniform(dim, -2f, 2f).Select(v => (double)v).ToArray();
        // S = Q diag Q^T with the same Q: the two covariances commute (diagonal in the same basis).
        var first = new GaussianStats(dim, 100, mu1, Rotate(q, a, dim));
        var second = new GaussianStats(dim, 100, mu2, Rotate(q, b, dim));
        double expected = 0;
        for (int k = 0; k < dim; k++)
            expected += (mu1[k] - mu2[k]) * (mu1[k] - mu2[k]) + Math.Pow(Math.Sqrt(a[k]) - Math.Sqrt(b[k]),
                2);
        Near(FrechetDistance.Compute(first, second), expected, 1e-9 * (1 + a.Sum() + b.Sum()), "FD",
            random.Seed);
    }

    [Fact]
    public void NonCommutingTwoByTwoMatchesTheIndependentClosedForm()
    {
        var random = new TestRandom(output);
        for (int trial = 0; trial < 20; trial++)
        {
            var s1 = RandomSpd2(random);
            var s2 = RandomSpd2(random);
            var mu1 = random.Uniform(2, -1f, 1f).Select(v => (double)v).ToArray();
            var mu2 = random.Uniform(2, -1f, 1f).Select(v => (double)v).ToArray();
            // For 2 x 2 PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)) (from sqrt(A) = (A + sqrt(det A) I) /
            // sqrt(tr A + 2 sqrt(det A))); with M = S1^1/2 S2 S1^1/2: tr M = tr(S1 S2), det M = det S1 det
            // S2.
            double trProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
            double det1 = s1[0] * s1[3] - s1[1] * s1[2], det2 = s2[0] * s2[3] - s2[1] * s2[2];
            double traceRoot = Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
            double expected = Math.Pow(mu1[0] - mu2[0], 2) + Math.Pow(mu1[1] - mu2[1], 2)
                + s1[0] + s1[3] + s2[0] + s2[3] - 2 * traceRoot;
            double fd = FrechetDistance.Compute(new GaussianStats(2, 10, mu1, s1), new GaussianStats(2, 10,
                mu2, s2));
            Near(fd, expected, 1e-12 * (1 + s1[0] + s1[3] + s2[0] + s2[3]), $"FD trial {trial}", random.Seed);
        }
    }

    [Fact]
    public void DistanceIsSymmetricAndGrowsWithAShift()
    {
        var random = new TestRandom(output);
        const int dim = 12, rows = 300;
        var x = random.Uniform(rows * dim, -1f, 2f);
        var y = random.Uniform(rows * dim, 0f, 1f);
        var a = GaussianStats.Of(x, rows, dim);
        var b = GaussianStats.Of(y, rows, dim);
        double ab = FrechetDistance.Compute(a, b), ba = FrechetDistance.Compute(b, a);
        Near(ba, ab, 1e-10 * Math.Abs(ab), "FD(b, a) vs FD(a, b)", random.Seed);
        Assert.True(ab > 0, $"FD of different sets should be positive, got {ab} (seed {random.Seed})");
        // Shifting every row of one set by c adds exactly |c|^2 to the distance.
        var shifted = b with { Mean = b.Mean.Select(m => m + 0.5).ToArray() };
        Near(FrechetDistance.Compute(b, shifted), dim * 0.25, 1e-9 * b.Trace(), "FD of a shift", random.Seed);
    }

    [Fact]
    public void SamplesFromKnownGaussiansApproachTheirParametersDistance()
    {
        var random = new TestRandom(output);
        var rng = new Random(random.Seed);
        const int dim = 3, rows = 200_000;
        double[] mu1 = [0, 1, -1], mu2 = [0.5, 1, 0], sd1 = [1, 2, 0.5], sd2 = [1.5, 1, 0.5];
        var x = new float[rows * dim];
        var y = new float[rows * dim];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < dim; k++)
            {
                x[r * dim + k] = (float)(mu1[k] + sd1[k] * Normal(rng));
                y[r * dim + k] = (float)(mu2[k] + sd2[k] * Normal(rng));
            }
        double fd = FrechetDistance.Compute(GaussianStats.Of(x, rows, dim), GaussianStats.Of(y, rows, dim));
        double expected = 0.25 + 1 + 0.25 + 1; // |mu1 - mu2|^2 = 1.25, sum (sd1 - sd2)^2 = 1.25
        output.WriteLine($"FD of samples {fd:F5}, of the parameters {expected:F5}");
        Assert.True(Math.Abs(fd - expected) <= 0.03,
            $"FD {fd:F5}, want {expected} +- 0.03 (seed {random.Seed})");
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double[] RandomSpd2(TestRandom random)
    {
        var m = random.Uniform(4, -1.5f, 1.5f);
        // B B^T + 0.01 I: symmetric positive definite, generally not commuting with another such matrix.
        double a = m[0] * m[0] + m[1] * m[1] + 0.01, b = m[0] * m[2] + m[1] * m[3],
            d = m[2] * m[2] + m[3] * m[3] + 0.01;
        return [a, b, b, d];
    }

    private static double[] Rotate(double[] q, double[] diagonal, int dim)
    {
        var s = new double[dim * dim];
        for (int row = 0; row < dim; row++)
            for (int col = 0; col < dim; col++)
                for (int k = 0; k < dim; k++)
                    s[row * dim + col] += q[row * dim + k] * diagonal[k] * q[col * dim + k];
        return s;
    }

    private static void Near(double actual, double expected, double atol, string what, int seed) =>
        Assert.True(Math.Abs(actual - expected) <= atol,
            $"{what}: got {actual:G17}, want {expected:G17}, " +
            $"diff {Math.Abs(actual - expected):G3} > {atol:G3} (seed {seed})");
}
