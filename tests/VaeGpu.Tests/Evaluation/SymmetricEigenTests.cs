// Our use of MathNet's symmetric eigen-decomposition and SVD against plain float64 checks: every pair
// satisfies A v = lambda v, the eigenvectors (rows) are orthonormal, the eigenvalues ascend, and
// V diag(lambda) V^T rebuilds A; sizes 1, 2, 7, 33 of fresh random symmetric matrices (only the upper
// triangle is read), repeated eigenvalues, a 256 x 256 timing, and FID-like rank-deficient SVDs.
using System.Diagnostics;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

public sealed class SymmetricEigenTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(33)]
    public void DecomposesRandomSymmetricMatrices(int n)
    {
        var random = new TestRandom(output);
        var entries = random.Uniform(n * n, -2f, 2f);
        var a = new double[n * n];
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
                a[row * n + col] = 0.5 * (entries[row * n + col] + entries[col * n + row]);
        var (values, vectors) = CheckDecomposition(a, n, random.Seed);
        var upper = (double[])a.Clone(); // junk below the diagonal must not matter
        for (int row = 1; row < n; row++)
            for (int col = 0; col < row; col++) upper[row * n + col] = 1e6 * (row + col);
        var (upperValues, upperVectors) = SymmetricEigen.Decompose(upper, n);
        Assert.Equal(values, upperValues);
        Assert.Equal(vectors, upperVectors);
    }

    [Fact]
    public void HandlesRepeatedEigenvalues()
    {
        var random = new TestRandom(output);
        const int n = 6;
        var q = RandomOrthogonal(random, n);
        double[] lambda = [1, 1, 1, 2.5, 2.5, -0.75];
        var a = new double[n * n];
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
                for (int k = 0; k < n; k++) a[row * n + col] += q[row * n + k] * lambda[k] * q[col * n + k];
        var (values, _) = CheckDecomposition(a, n, random.Seed);
        double[] sorted = [.. lambda.Order()];
        for (int k = 0; k < n; k++)
            Assert.True(Math.Abs(values[k] - sorted[k]) <= 1e-12,
                $"eigenvalue {k}: got {values[k]:G17}, want {sorted[k]} (seed {random.Seed})");
    }

    [Fact]
    public void DecomposesA256MatrixInReasonableTime()
    {
        var random = new TestRandom(output);
        const int n = 256, rows = 400;
        var x = random.Uniform(rows * n, -1f, 1f); // a sample covariance: PSD, like FID's
        var a = new double[n * n];
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < n; p++)
                for (int q = 0; q < n; q++) a[p * n + q] += (double)x[r * n + p] * x[r * n + q] / rows;
        var clock = Stopwatch.StartNew();
        CheckDecomposition(a, n, random.Seed);
        output.WriteLine($"256 x 256 decomposition (and checks): {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public void SingularValuesAreTheRootsOfTheEigenvaluesOfATransposeA(int n)
    {
        var random = new TestRandom(output);
        var b = random.Uniform(n * n, -1f, 1f).Select(v => (double)v).ToArray();
        if (n > 2)
            for (int col = 0; col < n; col++) b[2 * n + col] = b[col] - 0.5 * b[n + col]; // rank deficient
        var gram = new double[n * n]; // B^T B
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
                for (int k = 0; k < n; k++) gram[row * n + col] += b[k * n + row] * b[k * n + col];
        var eigen = SymmetricEigen.Eigenvalues(gram, n);
        var sigma = SingularValues.Compute(b, n);
        for (int k = 0; k < n; k++)
        {
            double want = Math.Sqrt(Math.Max(eigen[n - 1 - k], 0));
            // sqrt of a rounded zero eigenvalue is ~1e-8; the singular value itself is accurate to 1e-15.
            Assert.True(Math.Abs(sigma[k] - want) <= 1e-7 * Math.Sqrt(n),
                $"sigma[{k}] = {sigma[k]:G17}, sqrt(eigenvalue) {want:G17} (seed {random.Seed})");
        }
        if (n > 2) Assert.True(sigma[^1] <= 1e-14 * sigma[0], $"rank-deficient: smallest {sigma[^1]:G3}");
    }

    [Theory]
    [InlineData(64, 8)]
    [InlineData(256, 30)]
    public void SingularValuesConvergeOnFidLikeProducts(int n, int dead)
    {
        // The FID's B = S2^1/2 S1^1/2 of ReLU features: dead features (exact zero rows and columns) and
        // covariance spectra spanning many decades. Our former one-sided Jacobi SVD never converged on
        // such products of real USPS features; the sum of the singular values must match the eigenvalue
        // route and the dead directions' singular values must be zero to working precision.
        var random = new TestRandom(output);
        double[] Root(int salt)
        {
            var q = RandomOrthogonal(random, n);
            var root = new double[n * n]; // Q diag(sqrt(lambda)) Q^T, lambda from 1 down to 1e-14
            for (int k = 0; k < n; k++)
            {
                double scale = Math.Pow(1e-7, (double)((k * 7 + salt) % n) / (n - 1));
                for (int row = 0; row < n; row++)
                    for (int col = 0; col < n; col++)
                        root[row * n + col] += scale * q[row * n + k] * q[col * n + k];
            }
            for (int f = 0; f < dead; f++)
                for (int k = 0; k < n; k++) root[f * n + k] = root[k * n + f] = 0; // dead feature f
            return root;
        }
        var a = Root(0);
        var c = Root(3);
        var b = new double[n * n];
        for (int row = 0; row < n; row++)
            for (int k = 0; k < n; k++)
                for (int col = 0; col < n; col++) b[row * n + col] += a[row * n + k] * c[k * n + col];
        var sigma = SingularValues.Compute(b, n);
        var gram = new double[n * n]; // B^T B
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
                for (int k = 0; k < n; k++) gram[row * n + col] += b[k * n + row] * b[k * n + col];
        var eigen = SymmetricEigen.Eigenvalues(gram, n);
        double sum = 0, want = 0;
        for (int k = 0; k < n; k++)
        {
            sum += sigma[k];
            want += Math.Sqrt(Math.Max(eigen[n - 1 - k], 0));
        }
        // sqrt of a rounded zero eigenvalue errs by ~1e-8 ||B||: compare the traces at that level.
        Assert.True(Math.Abs(sum - want) <= 1e-7 * n * sigma[0], $"sum {sum:G17} vs {want:G17}");
        for (int k = n - dead; k < n; k++)
            Assert.True(sigma[k] <= 1e-12 * sigma[0], $"sigma[{k}] = {sigma[k]:G3}");
    }

    [Fact]
    public void SingularValuesIgnoreRowsOfRoundingNoise()
    {
        // Seen on real USPS features: a rank-deficient B leaves a residue row almost parallel to a large
        // row that each sweep shrank further (to 1e-156) without ever passing the cosine test, so the SVD
        // did not converge. A row this small is zero to working precision.
        double[] b = [1, 2, 3, 4, 5, 6.5, 1e-160, 2e-160, 3.000001e-160];
        var sigma = SingularValues.Compute(b, 3);
        var gram = new double[9]; // of the two real rows: their singular values squared
        for (int row = 0; row < 3; row++)
            for (int col = 0; col < 3; col++)
                for (int k = 0; k < 2; k++) gram[row * 3 + col] += b[k * 3 + row] * b[k * 3 + col];
        var eigen = SymmetricEigen.Eigenvalues(gram, 3);
        Assert.Equal(Math.Sqrt(eigen[2]), sigma[0], 1e-12);
        Assert.Equal(Math.Sqrt(eigen[1]), sigma[1], 1e-12);
        Assert.True(sigma[2] < 1e-150, $"sigma[2] = {sigma[2]:G3}");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new double[5], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetricEigen.Decompose([], 0));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([double.NaN], 1));
    }

    /// <summary>Random orthogonal n x n (row-major) from Gram-Schmidt on random columns.</summary>
    internal static double[] RandomOrthogonal(TestRandom random, int n)
    {
        var m = random.Uniform(n * n, -1f, 1f).Select(v => (double)v).ToArray();
        for (int col = 0; col < n; col++)
        {
            for (int prev = 0; prev < col; prev++)
            {
                double dot = 0;
                for (int row = 0; row < n; row++) dot += m[row * n + col] * m[row * n + prev];
                for (int row = 0; row < n; row++) m[row * n + col] -= dot * m[row * n + prev];
            }
            double norm = 0;
            for (int row = 0; row < n; row++) norm += m[row * n + col] * m[row * n + col];
            for (int row = 0; row < n; row++) m[row * n + col] /= Math.Sqrt(norm);
        }
        return m;
    }

    private static (double[] Values, double[] Vectors) CheckDecomposition(double[] a, int n, int seed)
    {
        var (values, vectors) = SymmetricEigen.Decompose(a, n);
        Assert.Equal(values, SymmetricEigen.Eigenvalues(a, n)); // the same decomposition's values
        double norm = Math.Sqrt(a.Sum(v => v * v));
        double atol = 1e-12 * Math.Max(norm, 1) * Math.Sqrt(n);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) Assert.True(values[k] >= values[k - 1],
                $"eigenvalues not ascending at {k} (seed {seed})");
            for (int row = 0; row < n; row++)
            {
                double av = 0;
                for (int col = 0; col < n; col++) av += a[row * n + col] * vectors[k * n + col];
                double lv = values[k] * vectors[k * n + row];
                Assert.True(Math.Abs(av - lv) <= atol,
                    $"n={n}: (A v)[{row}] = {av:G17} but lambda v = {lv:G17} for pair {k} (seed {seed})");
            }
            for (int other = 0; other <= k; other++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += vectors[k * n + i] * vectors[other * n + i];
                double want = other == k ? 1 : 0;
                Assert.True(Math.Abs(dot - want) <= 1e-12 * Math.Sqrt(n),
                    $"n={n}: v{k} . v{other} = {dot:G17}, want {want} (seed {seed})");
            }
        }
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
            {
                double rebuilt = 0;
                for (int k = 0; k < n; k++)
                    rebuilt += vectors[k * n + row] * values[k] * vectors[k * n + col];
                Assert.True(Math.Abs(rebuilt - a[row * n + col]) <= atol,
                    $"n={n}: rebuilt A[{row},{col}] = {rebuilt:G17}, " +
                    $"want {a[row * n + col]:G17} (seed {seed})");
            }
        return (values, vectors);
    }
}
