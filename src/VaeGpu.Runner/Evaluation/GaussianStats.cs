// The mean and covariance of a set of feature rows, accumulated in float64 as rows stream in. Sums are
// taken around a shift (the first row seen), the "shifted data" algorithm: the cancellation in
// sum((x-K)(x-K)^T) - n m m^T is then governed by the spread of the data, not by its offset from 0.
namespace VaeGpu.Runner.Evaluation;

/// <summary>A Gaussian fitted to feature rows: mean (Dim) and sample covariance (Dim x Dim,
/// row-major).</summary>
public sealed record GaussianStats(int Dim, long Count, double[] Mean, double[] Covariance)
{
    /// <summary>The statistics of n rows of dim floats (row-major).</summary>
    public static GaussianStats Of(ReadOnlySpan<float> rows, int n, int dim)
    {
        var accumulator = new GaussianAccumulator(dim);
        accumulator.Add(rows, n);
        return accumulator.ToStats();
    }

    /// <summary>The trace of the covariance.</summary>
    public double Trace()
    {
        double trace = 0;
        for (int k = 0; k < Dim; k++) trace += Covariance[k * Dim + k];
        return trace;
    }
}

/// <summary>Streams feature rows into float64 sums; <see cref="ToStats"/> gives their Gaussian.</summary>
public sealed class GaussianAccumulator
{
    private readonly double[] _shift;     // (Dim) the first row seen
    private readonly double[] _sum;       // (Dim) sum of (x - shift)
    private readonly double[] _outer;     // (Dim, Dim) upper triangle of sum of (x - shift)(x - shift)^T
    private readonly double[] _centered;  // (Dim) scratch: one shifted row

    /// <summary>Creates an empty accumulator for rows of <paramref name="dim"/> features.</summary>
    public GaussianAccumulator(int dim)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim),
            $"dimension must be positive, got {dim}");
        Dim = dim;
        _shift = new double[dim];
        _sum = new double[dim];
        _outer = new double[dim * dim];
        _centered = new double[dim];
    }

    /// <summary>Features per row.</summary>
    public int Dim { get; }

    /// <summary>Rows added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds n rows of Dim floats (row-major); allocates nothing.</summary>
    public void Add(ReadOnlySpan<float> rows, int n)
    {
        if (n < 0 || rows.Length < (long)n * Dim)
            throw new ArgumentException($"{rows.Length} floats cannot hold {n} rows of {Dim}", nameof(rows));
        for (int row = 0; row < n; row++)
        {
            var x = rows.Slice(row * Dim, Dim);
            if (Count == 0)
                for (int k = 0; k < Dim; k++) _shift[k] = x[k];
            for (int k = 0; k < Dim; k++)
            {
                double value = x[k];
                if (!double.IsFinite(value))
                    throw new ArgumentException($"row {Count}, feature {k} is {value}", nameof(rows));
                _centered[k] = value - _shift[k];
                _sum[k] += _centered[k];
            }
            for (int p = 0; p < Dim; p++)
            {
                double cp = _centered[p];
                if (cp == 0) continue; // ReLU features are often exactly 0: skip their row of products
                var outerRow = _outer.AsSpan(p * Dim + p, Dim - p);
                var centered = _centered.AsSpan(p, Dim - p);
                for (int q = 0; q < outerRow.Length; q++) outerRow[q] += cp * centered[q];
            }
            Count++;
        }
    }

    /// <summary>Mean and sample covariance (divided by Count - 1, as numpy.cov) of the rows so far.</summary>
    public GaussianStats ToStats()
    {
        if (Count < 2)
            throw new InvalidOperationException($"a covariance needs at least 2 rows, have {Count}");
        int d = Dim;
        var mean = new double[d];
        var covariance = new double[d * d];
        for (int k = 0; k < d; k++) mean[k] = _shift[k] + _sum[k] / Count;
        for (int p = 0; p < d; p++)
            for (int q = p; q < d; q++)
            {
                // sum (x-K)_p (x-K)_q - n (m-K)_p (m-K)_q, with (m-K) = sum / n
                double value = (_outer[p * d + q] - _sum[p] * _sum[q] / Count) / (Count - 1);
                covariance[p * d + q] = value;
                covariance[q * d + p] = value;
            }
        return new GaussianStats(d, Count, mean, covariance);
    }
}
