// Distribution helpers for statistical tests, in float64: erfc, the standard normal CDF and the
// Kolmogorov-Smirnov statistic of a sample against a continuous CDF.
namespace VaeGpu.Tests.Support;

/// <summary>Float64 reference functions for distribution tests.</summary>
public static class Statistics
{
    /// <summary>
    /// erfc(x) = 1 - erf(x), absolute error about 1e-16. For |x| &lt; 3 the all-positive series
    /// erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^j x^(2j+1) / (1 3 5 ... (2j+1)) (no cancellation); beyond, the
    /// continued fraction erfc(x) = e^(-x^2)/sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...)))).
    /// </summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 3)
        {
            double term = x, sum = x;
            for (int j = 1; j < 200 && term > 1e-17 * sum; j++)
            {
                term *= 2 * x * x / (2 * j + 1);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
        }
        // Evaluate the continued fraction from the tail (60 levels are plenty for x >= 3).
        double fraction = x;
        for (int level = 60; level >= 1; level--) fraction = x + level / 2.0 / fraction;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }

    /// <summary>The standard normal CDF, Phi(x) = erfc(-x / sqrt 2) / 2.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>
    /// D_n = sup |F_n(x) - F(x)| of the sample against <paramref name="cdf"/> (sorts the sample in place).
    /// </summary>
    public static double KolmogorovSmirnov(double[] sample, Func<double, double> cdf)
    {
        Array.Sort(sample);
        int n = sample.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sample[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        return d;
    }
}
