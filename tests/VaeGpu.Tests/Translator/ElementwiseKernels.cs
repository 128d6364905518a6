// Test kernels that exercise the translator's supported subset one construct family at a time. Each runs
// through ILGPU's CPU accelerator and (where OpenCL exists) on the device; the tests compare both with
// plain float64 code.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Tests.Translator;

internal static partial class ElementwiseKernels
{
    /// <summary>Used by Scale: a source constant becomes an overridable macro.</summary>
    public const float Half = 0.5f;
    public const int Stride = 3;
    public const int Twice = Stride * 2;

    /// <summary>y[i] = a * x[i] + y[i] over n elements: ids, buffer indexing, arithmetic, if.</summary>
    [Kernel]
    public static void Axpy(KernelContext k, Buf<float> y, Buf<float> x, float a, int n)
    {
        int i = k.GlobalId(0);
        if (i < n) y[i] = a * x[i] + y[i];
    }

    /// <summary>KMath functions and the ternary operator.</summary>
    [Kernel]
    public static void MathMix(KernelContext k, Buf<float> output, Buf<float> input, int n)
    {
        int i = k.GlobalId(0);
        if (i >= n) return;
        float v = input[i];
        float r = KMath.Exp(-KMath.Abs(v)) + KMath.Log(1f + v * v) + KMath.Log1p(KMath.Abs(v));
        r += KMath.Sqrt(KMath.Abs(v)) + KMath.Tanh(v) + KMath.Cos(v) * KMath.Sin(v);
        r += KMath.Max(v, 0.25f) - KMath.Min(v, -0.25f) + KMath.Fma(v, 2f, 1f);
        r += KMath.Pow(KMath.Abs(v) + 1f, 1.5f) + KMath.Floor(v) + KMath.Ceil(v);
        r += v > 0f ? Half : -Half;
        r += v % 0.75f;
        output[i] = r;
    }

    /// <summary>uint arithmetic: wraparound, shifts (count masked as in C#), mul_hi, casts.</summary>
    [Kernel]
    public static void UIntOps(KernelContext k, Buf<uint> output, Buf<uint> input, Buf<int> shifts, int n)
    {
        int i = k.GlobalId(0);
        if (i >= n) return;
        uint v = input[i];
        int s = shifts[i];
        uint h = KMath.MulHi(v, 0xD2511F53u) ^ (v * 0xCD9E8D57u);
        h += 0x9E3779B9u;
        h ^= (v << s) | (v >> (s + 7));
        h ^= (uint)((int)v >> (s & 7));
        h ^= (uint)(int)(float)(v >> 9);
        h -= (uint)s;
        h = h >>> 1 | h << 31;
        int signed = (int)h;
        signed >>= 3;
        output[i] = (uint)signed + (uint)Twice + (v % 7u) + (uint)(s / 3) + (uint)(-s % 5);
    }

    /// <summary>Loops: for, while, do, break, continue, compound assignment, ++/--, bool logic.</summary>
    [Kernel]
    public static void Loops(KernelContext k, Buf<float> output, Buf<int> counts, int n)
    {
        int i = k.GlobalId(0);
        if (i >= n) return;
        int count = counts[i];
        float sum = 0f;
        for (int j = 0, m = count; j < m; j++)
        {
            if (j % Stride == 1) continue;
            if (j > 40 && !(sum < 0f)) break;
            sum += j * 0.5f;
        }
        int w = count;
        while (w > 0) { sum -= 0.25f; w -= 2; }
        do { sum *= 1.0625f; w++; } while (w < 3);
        int x = 5;
        x <<= 2;
        x |= 3;
        x ^= count;
        x %= 11;
        x--;
        ++x;
        bool odd = (count & 1) != 0 || count == 6;
        output[i] = sum + x + (odd ? 1f : 0f) + (float)(-count / 4);
    }

    /// <summary>Bytes to floats and one-hot, like the batch gather.</summary>
    [Kernel]
    public static void Bytes(KernelContext k, Buf<float> output, Buf<byte> pixels, Buf<byte> flags, int n)
    {
        int i = k.GlobalId(0);
        if (i >= n) return;
        byte p = pixels[i];
        output[i] = p / 255f + (p > 127 ? 1f : 0f);
        flags[i] = (byte)(p + 3);
    }

    /// <summary>A 2-D launch: GlobalId/GroupId/LocalId/GroupSize/NumGroups/GlobalSize in x and y.</summary>
    [Kernel]
    public static void Ids2D(KernelContext k, Buf<int> output, int width, int height)
    {
        int col = k.GlobalId(0), row = k.GlobalId(1);
        if (col >= width || row >= height) return;
        output[row * width + col] = k.GroupId(0) + 10 * k.GroupId(1) + 100 * k.LocalId(0)
            + 1000 * k.LocalId(1)
            + 10000 * (k.GroupSize(0) + k.GroupSize(1)) + 100000 * (k.NumGroups(0) + k.NumGroups(1))
            + 1000000 * ((k.GlobalSize(0) + k.GlobalSize(1)) % 100);
    }

    /// <summary>Device functions (with a buffer parameter and the context) called from a kernel.</summary>
    [Kernel]
    public static void CallsFunctions(KernelContext k, Buf<float> output, Buf<float> input, int n)
    {
        int i = k.GlobalId(0);
        if (i >= n) return;
        output[i] = Softplus(input[i]) + Neighbours(k, input, n);
    }

    [DeviceFunction]
    public static float Softplus(float x) => x > 20f ? x : KMath.Log1p(KMath.Exp(x));

    [DeviceFunction]
    public static float Neighbours(KernelContext k, Buf<float> values, int n)
    {
        int i = k.GlobalId(0);
        float left = i > 0 ? values[i - 1] : 0f;
        float right = i + 1 < n ? values[i + 1] : 0f;
        return Scaled(left + right);
    }

    [DeviceFunction]
    public static float Scaled(float x) => x * Half;
}
