// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub and Van Loan,
// "Matrix Computations", 4th ed., section 8.5): sweeps of plane rotations that zero one off-diagonal
// pair each, until the off-diagonal mass is negligible. O(n^3) per sweep and ~6-10 sweeps; simple and
// accurate to a few ulps relative to the matrix norm, which is all the Frechet distance needs.
namespace VaeGpu.Runner.Evaluation;

/// <summary>Eigenvalues and eigenvectors of a symmetric matrix, A = V diag(values) V^T.</summary>
public static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>
    /// Decomposes the symmetric n x n row-major matrix <paramref name="matrix"/> (only its upper triangle
    /// is read): returns eigenvalues (ascending) and eigenvectors as the ROWS of an n x n row-major array.
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> matrix, int n)
    {
        var (values, vectors) = Run(matrix, n, withVectors: true);
        return (values, vectors!);
    }

    /// <summary>The eigenvalues (ascending) alone, a third faster than <see cref="Decompose"/>.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> matrix, int n) =>
        Run(matrix, n, withVectors: false).Values;

    private static (double[] Values, double[]? Vectors) Run(ReadOnlySpan<double> matrix, int n,
        bool withVectors)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"size must be positive, got {n}");
        if (matrix.Length != n * n)
            throw new ArgumentException($"matrix has {matrix.Length} values, {n} x {n} expected",
                nameof(matrix));
        var a = new double[n * n];          // (n, n) working copy, symmetrized from the upper triangle
        for (int row = 0; row < n; row++)
            for (int col = row; col < n; col++)
            {
                double value = matrix[row * n + col];
                if (!double.IsFinite(value))
                    throw new ArgumentException($"matrix[{row}, {col}] is {value}", nameof(matrix));
                a[row * n + col] = value;
                a[col * n + row] = value;
            }
        double[]? v = null;                 // (n, n): row k is the k-th eigenvector (V^T)
        if (withVectors)
        {
            v = new double[n * n];
            for (int k = 0; k < n; k++) v[k * n + k] = 1;
        }
        Sweep(a, v, n);
        var values = new double[n];
        for (int k = 0; k < n; k++) values[k] = a[k * n + k];
        return SortAscending(values, v, n);
    }

    private static void Sweep(double[] a, double[]? v, int n)
    {
        double total = 0;
        foreach (double x in a) total += x * x;
        // Stop when the off-diagonal mass is below (unit roundoff * ||A||_F)^2: the diagonal is then an
        // eigenvalue set to working precision (the error is bounded by the off-diagonal norm).
        double threshold = total * 1e-32;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += 2 * a[p * n + q] * a[p * n + q];
            if (off <= threshold) return;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++) Rotate(a, v, n, p, q);
        }
        throw new InvalidOperationException(
            $"Jacobi eigen-decomposition of a {n} x {n} matrix did not converge in {MaxSweeps} sweeps");
    }

    /// <summary>Applies the rotation J(p, q, theta) that zeroes a[p, q]: A = J^T A J, V^T = J^T
    /// V^T.</summary>
    private static void Rotate(double[] a, double[]? v, int n, int p, int q)
    {
        double apq = a[p * n + q];
        if (apq == 0) return;
        double app = a[p * n + p], aqq = a[q * n + q];
        double t = PlaneRotation.Tangent((aqq - app) / (2 * apq));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        // Rows p and q of J^T A J; by symmetry the columns p and q are then the same numbers, so they
        // are copied rather than rotated a second time (the strided column pass is the costly one).
        var rowP = a.AsSpan(p * n, n);
        var rowQ = a.AsSpan(q * n, n);
        PlaneRotation.Apply(rowP, rowQ, c, s);
        rowP[p] = app - t * apq; // the 2 x 2 block: a[p, q] is zero by the choice of t
        rowQ[q] = aqq + t * apq;
        rowP[q] = 0;
        rowQ[p] = 0;
        for (int k = 0; k < n; k++)
        {
            a[k * n + p] = rowP[k];
            a[k * n + q] = rowQ[k];
        }
        if (v is null) return;
        PlaneRotation.Apply(v.AsSpan(p * n, n), v.AsSpan(q * n, n), c, s);
    }

    private static (double[], double[]?) SortAscending(double[] values, double[]? vectors, int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (x, y) => values[x].CompareTo(values[y]));
        var sortedValues = new double[n];
        var sortedVectors = new double[vectors is null ? 0 : n * n];
        for (int k = 0; k < n; k++)
        {
            sortedValues[k] = values[order[k]];
            if (vectors is not null) vectors.AsSpan(order[k] * n, n).CopyTo(sortedVectors.AsSpan(k * n, n));
        }
        return (sortedValues, vectors is null ? null : sortedVectors);
    }
}
