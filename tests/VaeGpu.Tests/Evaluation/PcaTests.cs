// PCA against a known answer: 2d points mean +- s_k q_k for a random orthonormal basis q_k have
// exactly the mean, and scatter sum 2 s_k^2 q_k q_k^T, so the principal directions are the q_k with the
// largest s_k and each point's coordinates are +-s_k on its own direction and 0 on the others. Includes
// close leading variances (1 and 0.99), where a power iteration converges slowly.
using VaeGpu.Runner.Output;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

public sealed class PcaTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2, 1, 0.5)]
    [InlineData(3, 2, 0.3)]
    [InlineData(20, 2, 0.99)]
    [InlineData(33, 3, 0.7)]
    public void ProjectsOntoTheKnownPrincipalDirections(int d, int components, double second)
    {
        var random = new TestRandom(output);
        var q = SymmetricEigenTests.RandomOrthogonal(random, d); // column k is q_k
        var scales = new double[d]; // 1, second, then smaller and distinct
        for (int k = 0; k < d; k++) scales[k] = k == 0 ? 1 : k == 1 ? second : second * 0.8 * (d - k) / d;
        var mean = random.Uniform(d, -3f, 3f);
        int n = 2 * d;
        var points = new float[n * d]; // (n, d): row 2k is mean + s_k q_k, row 2k+1 mean - s_k q_k
        for (int k = 0; k < d; k++)
            for (int col = 0; col < d; col++)
            {
                points[2 * k * d + col] = (float)(mean[col] + scales[k] * q[col * d + k]);
                points[(2 * k + 1) * d + col] = (float)(mean[col] - scales[k] * q[col * d + k]);
            }
        var projected = Pca.Project(points, n, d, components);
        Assert.Equal(n * components, projected.Length);
        for (int c = 0; c < components; c++)
        {
            // The expected sign: q_c's largest-magnitude entry positive.
            int largest = 0;
            for (int i = 1; i < d; i++)
                if (Math.Abs(q[i * d + c]) > Math.Abs(q[largest * d + c])) largest = i;
            double sign = Math.Sign(q[largest * d + c]);
            for (int row = 0; row < n; row++)
            {
                int k = row / 2;
                double want = k == c ? sign * (row % 2 == 0 ? scales[k] : -scales[k]) : 0;
                double got = projected[row * components + c];
                // Points are float32 (rounding 1e-7 of |mean| + s): directions move by that over the gap.
                Assert.True(Math.Abs(got - want) <= 1e-4,
                    $"d={d}, component {c}, point {row}: got {got:G9}, want {want:G9} (seed {random.Seed})");
            }
        }
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Project(new float[6], 3, 2, 3));
        Assert.Throws<ArgumentException>(() => Pca.Project(new float[5], 3, 2));
    }
}
