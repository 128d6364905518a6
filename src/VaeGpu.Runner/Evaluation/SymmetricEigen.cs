// Eigen-decomposition of a real symmetric matrix in float64, by MathNet.Numerics (Householder
// tridiagonalization and the implicit QL method, as in EISPACK's tred2/tql2). This file only adapts
// the layout: row-major spans in, eigenvalues ascending and eigenvectors as rows out, with arguments
// checked first. Used for the symmetric square roots behind the Frechet distance and for PCA.
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace VaeGpu.Runner.Evaluation;

/// <summary>Eigenvalues and eigenvectors of a symmetric matrix, A = V diag(values) V^T.</summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Decomposes the symmetric n x n row-major matrix <paramref name="matrix"/> (only its upper triangle
    /// is read): returns eigenvalues (ascending) and eigenvectors as the ROWS of an n x n row-major array.
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> matrix, int n)
    {
        var a = Symmetrized(matrix, n);
        return DecomposeCore(a, n);
    }

    /// <summary>The eigenvalues (ascending) alone.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> matrix, int n) => Decompose(matrix, n).Values;

    private static (double[] Values, double[] Vectors) DecomposeCore(Matrix<double> a, int n)
    {
        var evd = a.Evd(Symmetricity.Symmetric);
        var values = new double[n];
        for (int k = 0; k < n; k++) values[k] = evd.EigenValues[k].Real;
        // MathNet returns them ascending already; sort anyway (stably) so the contract does not rest on it.
        var order = Enumerable.Range(0, n).OrderBy(k => values[k]).ToArray();
        var sortedValues = new double[n];
        var vectors = new double[n * n]; // (n, n): row k is the eigenvector of sortedValues[k]
        var columns = evd.EigenVectors;  // (n, n): column j is the eigenvector of values[j]
        for (int k = 0; k < n; k++)
        {
            sortedValues[k] = values[order[k]];
            for (int i = 0; i < n; i++) vectors[k * n + i] = columns[i, order[k]];
        }
        return (sortedValues, vectors);
    }

    /// <summary>A dense copy of the upper triangle, mirrored below the diagonal; checks arguments.</summary>
    private static Matrix<double> Symmetrized(ReadOnlySpan<double> matrix, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"size must be positive, got {n}");
        if (matrix.Length != n * n)
            throw new ArgumentException($"matrix has {matrix.Length} values, {n} x {n} expected",
                nameof(matrix));
        var a = Matrix<double>.Build.Dense(n, n); // (n, n)
        for (int row = 0; row < n; row++)
            for (int col = row; col < n; col++)
            {
                double value = matrix[row * n + col];
                if (!double.IsFinite(value))
                    throw new ArgumentException($"matrix[{row}, {col}] is {value}", nameof(matrix));
                a[row, col] = value;
                a[col, row] = value;
            }
        return a;
    }
}
