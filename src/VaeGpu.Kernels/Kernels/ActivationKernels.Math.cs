// exp and tanh as every backend computes them, bit for bit: written out from IEEE multiplies, adds, a
// divide, floor and a bit cast, with no fused multiply-add (the OpenCL prelude turns contraction off), so
// the OpenCL program, these C# bodies and CpuMath's vector lanes (which repeat them operation for
// operation; CpuMathTests holds them to it) round alike. A device library's exp or tanh would not: one
// ulp apart in one activation is enough for a GAN's training to part ways (benchmarks/README.md, section
// 10). Accuracy against float64: CpuMathTests.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

internal static partial class ActivationKernels
{
    /// <summary>exp overflows to infinity above this (ln of the largest float, rounded down).</summary>
    public const float ExpMax = 88.72283f;
    /// <summary>exp returns 0 below this, where e^x &lt; 1.2e-38 would leave the normal floats (so no
    /// result depends on a device's subnormal handling).</summary>
    public const float ExpMin = -87.33f;
    /// <summary>log2(e).</summary>
    public const float Log2E = 1.44269504088896341f;
    /// <summary>ln 2 in two parts, the first with 9 significant bits so n * ExpLn2Hi is exact.</summary>
    public const float ExpLn2Hi = 0.693359375f;
    /// <summary>ln 2 - ExpLn2Hi.</summary>
    public const float ExpLn2Lo = -2.12194440e-4f;
    /// <summary>Below this |x| tanh uses its odd polynomial, above it 1 - 2 / (e^2|x| + 1).</summary>
    public const float TanhSmall = 0.625f;

    /// <summary>
    /// e^x: x = n ln 2 + r with n = floor(x log2 e + 1/2) and |r| &lt;= ln 2 / 2, e^r from Cephes' expf
    /// polynomial, times 2^n built from its bits (n = 128 as 2^127 times 2). 0 below ExpMin, infinity
    /// above ExpMax, NaN for NaN.
    /// </summary>
    [DeviceFunction]
    public static float Exp(float x)
    {
        if (x > ExpMax) return float.PositiveInfinity;
        if (x < ExpMin) return 0.0f;
        float n = KMath.Floor(x * Log2E + 0.5f);
        float r = x - n * ExpLn2Hi - n * ExpLn2Lo;
        float z = r * r;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        p = p * z + r + 1.0f;
        int e = (int)n;
        float scale = 1.0f;
        if (e > 127)
        {
            e = e - 1;
            scale = 2.0f;
        }
        return p * KMath.IntAsFloat((uint)(e + 127) << 23) * scale;
    }

    /// <summary>
    /// tanh(x): an odd polynomial in x^2 below |x| = TanhSmall (fitted for this code to tanh's relative
    /// error), 1 - 2 / (Exp(2|x|) + 1) above, the sign of x restored (tanh(-0) = -0; NaN stays NaN).
    /// </summary>
    [DeviceFunction]
    public static float Tanh(float x)
    {
        float ax = KMath.Abs(x);
        float magnitude;
        if (ax < TanhSmall)
        {
            float z = ax * ax;
            float p = -0.005787921138107777f;
            p = p * z + 0.020711788907647133f;
            p = p * z + -0.05376140773296356f;
            p = p * z + 0.13331693410873413f;
            p = p * z + -0.333332896232605f;
            magnitude = ax + ax * z * p;
        }
        else
        {
            magnitude = 1.0f - 2.0f / (Exp(ax + ax) + 1.0f);
        }
        if (x == 0.0f) return x;
        return x < 0.0f ? -magnitude : magnitude;
    }
}
