// Singular values of a square matrix in float64, by MathNet.Numerics (Householder bidiagonalization
// and implicit-shift QR, as in LINPACK's dsvdc). Used for tr (S1^1/2 S2 S1^1/2)^1/2 = the sum of the
// singular values of S2^1/2 S1^1/2: taking square roots of eigenvalues of the product instead would
// turn rounding noise of order 1e-16 ||S||^2 on a zero eigenvalue into an error of 1e-8 ||S||;
// singular values err by about 1e-16 ||S||.
using MathNet.Numerics.LinearAlgebra;

namespace VaeGpu.Runner.Evaluation;

/// <summary>Singular values of a real square matrix.</summary>
public static class SingularValues
{
    /// <summary>The singular values (descending) of the n x n row-major <paramref name="matrix"/>.</summary>
    public static double[] Compute(ReadOnlySpan<double> matrix, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"size must be positive, got {n}");
        if (matrix.Length != n * n)
            throw new ArgumentException($"matrix has {matrix.Length} values, {n} x {n} expected",
                nameof(matrix));
        foreach (double value in matrix)
            if (!double.IsFinite(value))
                throw new ArgumentException($"matrix holds {value}", nameof(matrix));
        var a = Matrix<double>.Build.Dense(n, n); // (n, n)
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++) a[row, col] = matrix[row * n + col];
        double[] values = a.Svd(computeVectors: false).S.ToArray();
        // MathNet returns them descending already; sort anyway so the contract does not rest on it.
        Array.Sort(values, (x, y) => y.CompareTo(x));
        return values;
    }
}
