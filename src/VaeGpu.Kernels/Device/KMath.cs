// Math that kernels may call. ILGPU compiles these bodies (ILGPU.Algorithms' XMath, which maps to PTX
// instructions or its own float implementations); our generator maps each call to the OpenCL C function of
// the same float semantics instead. Results agree to float rounding, not bit for bit; where a kernel must
// match the cpu backend bit for bit it calls ActivationKernels.Exp and .Tanh, written out in plain ops.
using System.Runtime.CompilerServices;
using ILGPU.Algorithms;

namespace VaeGpu.Kernels.Device;

/// <summary>Float math for kernels (OpenCL: exp, log, sqrt, fmax, ...; ILGPU: XMath).</summary>
public static class KMath
{
    /// <summary>e^x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => XMath.Exp(x);

    /// <summary>Natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => XMath.Log(x);

    /// <summary>log(1 + x), accurate near 0.</summary>
    public static float Log1p(float x)
    {
        // Goldberg's trick: log(u) * x / (u - 1) cancels the rounding error of u = 1 + x.
        float u = 1.0f + x;
        if (u == 1.0f) return x;
        return XMath.Log(u) * x / (u - 1.0f);
    }

    /// <summary>Square root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float x) => XMath.Sqrt(x);

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => XMath.Tanh(x);

    /// <summary>Cosine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Cos(float x) => XMath.Cos(x);

    /// <summary>Sine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sin(float x) => XMath.Sin(x);

    /// <summary>x raised to the power y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow(float x, float y) => XMath.Pow(x, y);

    /// <summary>Largest integer value not above x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Floor(float x) => XMath.Floor(x);

    /// <summary>Smallest integer value not below x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Ceil(float x) => XMath.Ceiling(x);

    /// <summary>Absolute value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float x) => XMath.Abs(x);

    /// <summary>Larger of two floats (fmax).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => XMath.Max(a, b);

    /// <summary>Smaller of two floats (fmin).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b) => XMath.Min(a, b);

    /// <summary>Larger of two ints.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Max(int a, int b) => a > b ? a : b;

    /// <summary>Smaller of two ints.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Min(int a, int b) => a < b ? a : b;

    /// <summary>a * b + c (OpenCL: fma; ILGPU: a multiply and an add, which PTX contracts to fma).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c) => a * b + c;

    /// <summary>The float whose IEEE bits are <paramref name="bits"/> (as_float / a bit cast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IntAsFloat(uint bits) => ILGPU.Interop.IntAsFloat(bits);

    /// <summary>High 32 bits of the 64-bit product (mul_hi / mul.hi.u32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MulHi(uint a, uint b) => (uint)(((ulong)a * b) >> 32);
}
