// Principal components of a small point cloud (latent means), in float64: the d x d scatter matrix
// (d = latent size, tens) is decomposed by SymmetricEigen (MathNet.Numerics' symmetric eigen-solver),
// whose eigenvectors of the largest eigenvalues are the principal directions.
using VaeGpu.Runner.Evaluation;

namespace VaeGpu.Runner.Output;

/// <summary>Projects rows of an n x d matrix onto its leading principal components.</summary>
public static class Pca
{
    /// <summary>
    /// Returns n x <paramref name="components"/> coordinates (row-major) of the centred points along the top
    /// principal directions; each direction's sign is fixed so its largest-magnitude entry is positive.
    /// </summary>
    public static double[] Project(ReadOnlySpan<float> points, int n, int d, int components = 2)
    {
        if (n <= 0 || d <= 0 || components <= 0 || components > d)
            throw new ArgumentOutOfRangeException(nameof(components),
                $"PCA of {n}x{d} into {components} components");
        if (points.Length < (long)n * d) throw new ArgumentException($"need {n}x{d} values", nameof(points));
        var mean = new double[d];
        for (int row = 0; row < n; row++)
            for (int col = 0; col < d; col++) mean[col] += points[row * d + col];
        for (int col = 0; col < d; col++) mean[col] /= n;
        var cov = new double[d * d]; // (d, d): the scatter matrix, n times the covariance
        var centred = new double[d];
        for (int row = 0; row < n; row++)
        {
            for (int col = 0; col < d; col++) centred[col] = points[row * d + col] - mean[col];
            for (int a = 0; a < d; a++)
                for (int b = a; b < d; b++) cov[a * d + b] += centred[a] * centred[b];
        }
        // Eigenvalues ascend, so the principal directions are the last rows, largest first.
        var (_, vectors) = SymmetricEigen.Decompose(cov, d); // (d, d): rows are eigenvectors
        var directions = new double[components][];
        for (int c = 0; c < components; c++)
            directions[c] = FixSign(vectors.AsSpan((d - 1 - c) * d, d).ToArray());
        var result = new double[n * components];
        for (int row = 0; row < n; row++)
            for (int c = 0; c < components; c++)
            {
                double sum = 0;
                for (int col = 0; col < d; col++) sum += (points[row * d
                    + col] - mean[col]) * directions[c][col];
                result[row * components + c] = sum;
            }
        return result;
    }

    // An eigenvector's sign is arbitrary: make its largest-magnitude entry positive.
    private static double[] FixSign(double[] v)
    {
        int largest = 0;
        for (int i = 1; i < v.Length; i++) if (Math.Abs(v[i]) > Math.Abs(v[largest])) largest = i;
        if (v[largest] < 0) for (int i = 0; i < v.Length; i++) v[i] = -v[i];
        return v;
    }
}
