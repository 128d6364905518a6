// Math that kernels may call; each maps to one OpenCL C / CUDA C function of the same float semantics.
namespace VaeGpu.Kernels.Device;

/// <summary>
/// Float math for kernels (translated: exp, log, sqrt, fmax, ... / expf, logf, sqrtf, fmaxf, ...).
/// </summary>
public static class KMath
{
    /// <summary>e^x.</summary>
    public static float Exp(float x) => MathF.Exp(x);
    /// <summary>Natural logarithm.</summary>
    public static float Log(float x) => MathF.Log(x);
    /// <summary>log(1 + x), accurate near 0.</summary>
    public static float Log1p(float x) => (float)Math.Log(1.0 + x);
    /// <summary>Square root.</summary>
    public static float Sqrt(float x) => MathF.Sqrt(x);
    /// <summary>Hyperbolic tangent.</summary>
    public static float Tanh(float x) => MathF.Tanh(x);
    /// <summary>Cosine.</summary>
    public static float Cos(float x) => MathF.Cos(x);
    /// <summary>Sine.</summary>
    public static float Sin(float x) => MathF.Sin(x);
    /// <summary>x raised to the power y.</summary>
    public static float Pow(float x, float y) => MathF.Pow(x, y);
    /// <summary>Largest integer value not above x.</summary>
    public static float Floor(float x) => MathF.Floor(x);
    /// <summary>Smallest integer value not below x.</summary>
    public static float Ceil(float x) => MathF.Ceiling(x);
    /// <summary>Absolute value.</summary>
    public static float Abs(float x) => MathF.Abs(x);
    /// <summary>Larger of two floats (fmax).</summary>
    public static float Max(float a, float b) => MathF.Max(a, b);
    /// <summary>Smaller of two floats (fmin).</summary>
    public static float Min(float a, float b) => MathF.Min(a, b);
    /// <summary>Larger of two ints.</summary>
    public static int Max(int a, int b) => Math.Max(a, b);
    /// <summary>Smaller of two ints.</summary>
    public static int Min(int a, int b) => Math.Min(a, b);
    /// <summary>a * b + c.</summary>
    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    /// <summary>High 32 bits of the 64-bit product (mul_hi / __umulhi).</summary>
    public static uint MulHi(uint a, uint b) => (uint)(((ulong)a * b) >> 32);
}
