// The Frechet (2-Wasserstein) distance between two Gaussians (Dowson and Landau, 1982), the quantity
// behind FID: |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2). Computed in float64 without a
// general (non-symmetric) matrix square root of S1 S2: the symmetric roots S^1/2 come from eigen-
// decompositions, and tr (S1^1/2 S2 S1^1/2)^1/2 is the sum of the singular values of S2^1/2 S1^1/2.
namespace VaeGpu.Runner.Evaluation;

/// <summary>The Frechet distance between two Gaussians given by their statistics.</summary>
public static class FrechetDistance
{
    /// <summary>|mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2); not clamped at 0.</summary>
    public static double Compute(GaussianStats first, GaussianStats second)
    {
        ArgumentNullException.ThrowIfNull(first);
        return Compute(first, SquareRoot(first.Covariance, first.Dim), second);
    }

    /// <summary>
    /// The same with S1^1/2 given (from <see cref="SquareRoot"/>), for several distances to one reference.
    /// </summary>
    public static double Compute(GaussianStats first, double[] firstRoot, GaussianStats second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(firstRoot);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dim != second.Dim)
            throw new ArgumentException($"feature sizes differ: {first.Dim} and {second.Dim}");
        int d = first.Dim;
        if (firstRoot.Length != d * d)
            throw new ArgumentException($"the square root has {firstRoot.Length} values, {d} x {d} expected");
        double meanTerm = 0;
        for (int k = 0; k < d; k++)
        {
            double diff = first.Mean[k] - second.Mean[k];
            meanTerm += diff * diff;
        }
        // B = S2^1/2 S1^1/2 (d, d): B^T B = S1^1/2 S2 S1^1/2, whose root's trace is the sum of B's
        // singular values (see SingularValues for why not the square roots of its eigenvalues).
        var product = Multiply(SquareRoot(second.Covariance, d), firstRoot, d);
        double traceRoot = 0;
        foreach (double value in SingularValues.Compute(product, d)) traceRoot += value;
        return meanTerm + first.Trace() + second.Trace() - 2 * traceRoot;
    }

    /// <summary>The symmetric PSD square root V diag(sqrt(max(lambda, 0))) V^T of a covariance.</summary>
    public static double[] SquareRoot(ReadOnlySpan<double> covariance, int d)
    {
        var (values, vectors) = SymmetricEigen.Decompose(covariance, d); // vectors: rows are eigenvectors
        var root = new double[d * d];
        for (int k = 0; k < d; k++)
        {
            // Clamp: a covariance is PSD, so a negative eigenvalue is rounding noise of order 1e-16 ||S||
            // around a true 0 (rank-deficient covariances: dead ReLU features, dependent features).
            double scale = Math.Sqrt(Math.Max(values[k], 0));
            if (scale == 0) continue;
            var vector = vectors.AsSpan(k * d, d);
            for (int row = 0; row < d; row++)
            {
                double left = scale * vector[row];
                var rootRow = root.AsSpan(row * d, d);
                for (int col = 0; col < d; col++) rootRow[col] += left * vector[col];
            }
        }
        return root;
    }

    private static double[] Multiply(double[] a, double[] b, int d)
    {
        var c = new double[d * d];
        for (int row = 0; row < d; row++)
        {
            var cRow = c.AsSpan(row * d, d);
            for (int k = 0; k < d; k++)
            {
                double aValue = a[row * d + k];
                var bRow = b.AsSpan(k * d, d);
                for (int col = 0; col < d; col++) cRow[col] += aValue * bRow[col];
            }
        }
        return c;
    }
}
