// The Jacobi plane rotation both of our Jacobi methods use: the eigen-decomposition rotates a pair of
// rows to zero one off-diagonal entry, the one-sided SVD rotates a pair of rows to make them
// orthogonal. Both pick the rotation from the same 2 x 2 problem and apply it the same way.
namespace VaeGpu.Runner.Evaluation;

/// <summary>Jacobi rotations: choosing the angle and rotating a pair of rows.</summary>
internal static class PlaneRotation
{
    /// <summary>
    /// tan of the rotation angle for theta = (a_qq - a_pp) / (2 a_pq): the smaller root of
    /// t^2 + 2 theta t - 1 = 0 in its stable form (|t| &lt;= 1).
    /// </summary>
    public static double Tangent(double theta)
    {
        // For |theta| > 1e150, theta^2 would overflow and give t = 0, a rotation that changes nothing;
        // 1 / (2 theta) is the root to working precision there.
        if (Math.Abs(theta) > 1e150) return 0.5 / theta;
        return Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
    }

    /// <summary>(x, y) = (c x - s y, s x + c y), element by element.</summary>
    public static void Apply(Span<double> x, Span<double> y, double c, double s)
    {
        for (int k = 0; k < x.Length; k++)
        {
            double xk = x[k], yk = y[k];
            x[k] = c * xk - s * yk;
            y[k] = s * xk + c * yk;
        }
    }
}
