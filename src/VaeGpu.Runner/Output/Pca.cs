// Principal components of a small point cloud (latent means), in float64: the covariance matrix is
// d x d with d = latent size (tens), so power iteration with deflation is plenty and has no dependencies.
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
        var cov = new double[d, d];
        var centred = new double[d];
        for (int row = 0; row < n; row++)
        {
            for (int col = 0; col < d; col++) centred[col] = points[row * d + col] - mean[col];
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a, b] += centred[a] * centred[b];
        }
        var directions = new double[components][];
        for (int c = 0; c < components; c++)
        {
            directions[c] = LeadingEigenvector(cov, d);
            double lambda = Rayleigh(cov, directions[c], d);
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a, b] -= lambda * directions[c][a] * directions[c][b];
        }
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

    private static double[] LeadingEigenvector(double[,] matrix, int d)
    {
        var v = new double[d];
        // Deterministic start, not orthogonal to typical data.
        for (int i = 0; i < d; i++) v[i] = 1.0 + 0.01 * i;
        var next = new double[d];
        for (int iteration = 0; iteration < 500; iteration++)
        {
            for (int a = 0; a < d; a++)
            {
                double sum = 0;
                for (int b = 0; b < d; b++) sum += matrix[a, b] * v[b];
                next[a] = sum;
            }
            double norm = Math.Sqrt(next.Sum(x => x * x));
            if (norm == 0) break;
            double change = 0;
            for (int a = 0; a < d; a++)
            {
                double value = next[a] / norm;
                change = Math.Max(change, Math.Abs(value - v[a]));
                v[a] = value;
            }
            if (change < 1e-12) break;
        }
        int largest = 0;
        for (int i = 1; i < d; i++) if (Math.Abs(v[i]) > Math.Abs(v[largest])) largest = i;
        if (v[largest] < 0) for (int i = 0; i < d; i++) v[i] = -v[i];
        return v;
    }

    private static double Rayleigh(double[,] matrix, double[] v, int d)
    {
        double sum = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) sum += v[a] * matrix[a, b] * v[b];
        return sum;
    }
}
