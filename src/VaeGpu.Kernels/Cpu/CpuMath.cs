// Vectorized element-wise math shared by the CPU ops and the GEMM epilogue: activations and their
// derivatives over spans, and an 8 x 8 register transpose for packing. Relu, LeakyRelu and the
// derivatives are exact in any vector width; Sigmoid uses Vector256.Exp, whose error against
// float64 exp CpuMathTests measures (max 1.8 ulp on [-87, 88] here), without Vector256 MathF.Exp;
// Tanh and Exp repeat ActivationKernels' (the device kernels') bit for bit in every lane.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Cpu;

internal static unsafe class CpuMath
{
    /// <summary>LeakyRelu's slope for negative inputs.</summary>
    public const float LeakySlope = 0.01f;

    /// <summary>y[i] = act(x[i]) for i &lt; count; y may equal x.</summary>
    public static void Activate(Activation act, float* x, float* y, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && act == Activation.Tanh)
        {
            for (; i + 8 <= count; i += 8) Tanh(Vector256.Load(x + i)).Store(y + i);
            if (i == count) return;
            // The tail through the same lanes, so every element gets the same function.
            var tail = stackalloc float[8];
            for (int j = 0; j < 8; j++) tail[j] = i + j < count ? x[i + j] : 0;
            var t = Tanh(Vector256.Load(tail));
            for (int j = 0; i + j < count; j++) y[i + j] = t[j];
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var slope = Vector256.Create(LeakySlope);
            var one = Vector256<float>.One;
            for (; i + 8 <= count; i += 8)
            {
                var v = Vector256.Load(x + i);
                v = act switch
                {
                    Activation.Relu => Vector256.Max(v, Vector256<float>.Zero),
                    Activation.LeakyRelu => Vector256.ConditionalSelect(
                        Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * slope),
                    Activation.Sigmoid => one / (one + Vector256.Exp(-v)),
                    _ => v,
                };
                v.Store(y + i);
            }
        }
        for (; i < count; i++) y[i] = ActivateScalar(act, x[i]);
    }

    /// <summary>tanh(x) in eight lanes, each lane bit for bit <see cref="ActivationKernels.Tanh"/> (the
    /// device kernels' tanh): the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var one = Vector256<float>.One;
        var big = one - Vector256.Create(2f) / (Exp(ax + ax) + one); // exp = inf gives 1
        var z = ax * ax;
        var p = Vector256.Create(-0.005787921138107777f);
        p = p * z + Vector256.Create(0.020711788907647133f);
        p = p * z + Vector256.Create(-0.05376140773296356f);
        p = p * z + Vector256.Create(0.13331693410873413f);
        p = p * z + Vector256.Create(-0.333332896232605f);
        var small = ax + ax * z * p;
        var below = Vector256.LessThan(ax, Vector256.Create(ActivationKernels.TanhSmall));
        var magnitude = Vector256.ConditionalSelect(below, small, big);
        return magnitude | (x & Vector256.Create(-0f)); // NaN stays NaN through exp
    }

    /// <summary>e^x in eight lanes, each lane bit for bit <see cref="ActivationKernels.Exp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var n = Vector256.Floor(x * Vector256.Create(ActivationKernels.Log2E) + Vector256.Create(0.5f));
        var ln2Hi = Vector256.Create(ActivationKernels.ExpLn2Hi);
        var ln2Lo = Vector256.Create(ActivationKernels.ExpLn2Lo);
        var r = x - n * ln2Hi - n * ln2Lo;
        var z = r * r;
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        p = p * z + r + Vector256<float>.One;
        var e = Vector256.ConvertToInt32(n);
        var over = Vector256.GreaterThan(e, Vector256.Create(127)); // n = 128: 2^127 times 2
        e -= over & Vector256<int>.One;
        var scale = Vector256.ConditionalSelect(over.AsSingle(), Vector256.Create(2f), Vector256<float>.One);
        var result = p * Vector256.ShiftLeft(e + Vector256.Create(127), 23).AsSingle() * scale;
        var above = Vector256.GreaterThan(x, Vector256.Create(ActivationKernels.ExpMax));
        var below = Vector256.LessThan(x, Vector256.Create(ActivationKernels.ExpMin));
        result = Vector256.ConditionalSelect(above, Vector256.Create(float.PositiveInfinity), result);
        return Vector256.ConditionalSelect(below, Vector256<float>.Zero, result);
    }

    /// <summary>The scalar activation (the vector lanes of <see cref="Activate"/> match it exactly for
    /// Relu and LeakyRelu).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ActivateScalar(Activation act, float x) => act switch
    {
        Activation.Relu => x > 0 ? x : 0,
        Activation.LeakyRelu => x > 0 ? x : LeakySlope * x,
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Activation.Tanh => ActivationKernels.Tanh(x),
        _ => x,
    };

    /// <summary>dx[i] = dy[i] act'(y[i]) computed from the output y; dx may equal dy or y.</summary>
    public static void Derivative(Activation act, float* y, float* dy, float* dx, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var slope = Vector256.Create(LeakySlope);
            var one = Vector256<float>.One;
            for (; i + 8 <= count; i += 8)
            {
                var yv = Vector256.Load(y + i);
                var g = Vector256.Load(dy + i);
                var positive = Vector256.GreaterThan(yv, Vector256<float>.Zero);
                g = act switch
                {
                    Activation.Relu => g * Vector256.ConditionalSelect(positive, one, Vector256<float>.Zero),
                    Activation.LeakyRelu => g * Vector256.ConditionalSelect(positive, one, slope),
                    Activation.Sigmoid => g * (yv * (one - yv)),
                    Activation.Tanh => g * (one - yv * yv),
                    _ => g,
                };
                g.Store(dx + i);
            }
        }
        for (; i < count; i++) dx[i] = dy[i] * DerivativeScalar(act, y[i]);
    }

    /// <summary>act'(x) written in terms of the output y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeScalar(Activation act, float y) => act switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.LeakyRelu => y > 0 ? 1 : LeakySlope,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => 1,
    };

    /// <summary>Transposes the 8 x 8 matrix held in eight rows (requires AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2,
        ref Vector256<float> r3, ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6,
        ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20); r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20); r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31); r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31); r7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
