// Singular values of a square matrix by one-sided Jacobi (Hestenes, 1958; Demmel and Veselic, 1992):
// plane rotations of pairs of rows until all rows are mutually orthogonal; the row norms are then the
// singular values. Used for tr (S1^1/2 S2 S1^1/2)^1/2 = the sum of the singular values of S2^1/2 S1^1/2:
// taking square roots of eigenvalues of the product instead would turn rounding noise of order
// 1e-16 ||S||^2 on a zero eigenvalue into an error of 1e-8 ||S||; singular values err by 1e-16 ||S||.
namespace VaeGpu.Runner.Evaluation;

/// <summary>Singular values of a real square matrix.</summary>
public static class SingularValues
{
    private const int MaxSweeps = 100;
    private const double MachineEpsilon = 2.220446049250313e-16; // 2^-52

    /// <summary>The singular values (descending) of the n x n row-major <paramref name="matrix"/>.</summary>
    public static double[] Compute(ReadOnlySpan<double> matrix, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"size must be positive, got {n}");
        if (matrix.Length != n * n)
            throw new ArgumentException($"matrix has {matrix.Length} values, {n} x {n} expected",
                nameof(matrix));
        var rows = matrix.ToArray(); // (n, n); the singular values of A and of A^T are the same
        foreach (double value in rows)
            if (!double.IsFinite(value)) throw new ArgumentException($"matrix holds {value}", nameof(matrix));
        // Rows count as orthogonal when |cos(angle)| <= n eps: a dot product of n terms carries rounding
        // of that order, so a stricter test (1e-15 at n = 256) can keep rotating noise forever.
        double tolerance = Math.Max(n, 4) * MachineEpsilon;
        // A rank-deficient matrix (the FID's B has the rank of the feature covariances) ends with rows of
        // pure rounding noise, of order eps ||B||. Rotating such a row against a large one adds fresh noise
        // of its own size, so it never becomes orthogonal: rows below n eps ||B|| count as zero (their
        // singular values are below that too).
        double total = 0;
        foreach (double value in rows) total += value * value;
        double negligible = total * tolerance * tolerance;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int i = 0; i < n - 1; i++)
                for (int j = i + 1; j < n; j++)
                    rotated |= Orthogonalize(rows, n, i, j, tolerance, negligible);
            if (!rotated) return Norms(rows, n);
        }
        throw new InvalidOperationException(
            $"one-sided Jacobi SVD of a {n} x {n} matrix did not converge in {MaxSweeps} sweeps");
    }

    /// <summary>Rotates rows i and j so that they are orthogonal; false when they already are.</summary>
    private static bool Orthogonalize(double[] rows, int n, int i, int j, double tolerance,
        double negligible)
    {
        var x = rows.AsSpan(i * n, n);
        var y = rows.AsSpan(j * n, n);
        double alpha = 0, beta = 0, gamma = 0;
        for (int k = 0; k < n; k++)
        {
            alpha += x[k] * x[k];
            beta += y[k] * y[k];
            gamma += x[k] * y[k];
        }
        if (alpha <= negligible || beta <= negligible) return false;
        if (gamma == 0 || Math.Abs(gamma) <= tolerance * Math.Sqrt(alpha) * Math.Sqrt(beta)) return false;
        // The rotation that diagonalizes the 2 x 2 Gram matrix [[alpha, gamma], [gamma, beta]], chosen as
        // in the two-sided Jacobi eigen method.
        double t = PlaneRotation.Tangent((beta - alpha) / (2 * gamma));
        double c = 1 / Math.Sqrt(1 + t * t);
        PlaneRotation.Apply(x, y, c, c * t);
        return true;
    }

    private static double[] Norms(double[] rows, int n)
    {
        var norms = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            foreach (double value in rows.AsSpan(i * n, n)) sum += value * value;
            norms[i] = Math.Sqrt(sum);
        }
        Array.Sort(norms, (a, b) => b.CompareTo(a));
        return norms;
    }
}
