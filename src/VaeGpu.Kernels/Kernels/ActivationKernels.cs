// Element-wise activations, forward from x and backward from the output y, plus the fill kernel.
// Activation codes are the values of the Activation enum, passed as ints (constants folded from the enum).
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Activation forward/backward and fill kernels.</summary>
internal static partial class ActivationKernels
{
    /// <summary>Activation.Identity as an int.</summary>
    public const int ActIdentity = (int)Activation.Identity;
    /// <summary>Activation.Relu as an int.</summary>
    public const int ActRelu = (int)Activation.Relu;
    /// <summary>Activation.LeakyRelu as an int.</summary>
    public const int ActLeakyRelu = (int)Activation.LeakyRelu;
    /// <summary>Activation.Sigmoid as an int.</summary>
    public const int ActSigmoid = (int)Activation.Sigmoid;
    /// <summary>Activation.Tanh as an int.</summary>
    public const int ActTanh = (int)Activation.Tanh;
    /// <summary>Work-items per group for the element-wise kernels.</summary>
    public const int GroupSize = 256;

    /// <summary>act(x) for an activation code (identity for any other code).</summary>
    [DeviceFunction]
    public static float Activate(int activation, float x)
    {
        if (activation == ActRelu) return x > 0.0f ? x : 0.0f;
        if (activation == ActLeakyRelu) return x > 0.0f ? x : CpuMath.LeakySlope * x;
        if (activation == ActSigmoid) return 1.0f / (1.0f + KMath.Exp(-x));
        if (activation == ActTanh) return Tanh(x);
        return x;
    }

    /// <summary>act'(x) written in terms of the output y = act(x).</summary>
    [DeviceFunction]
    public static float Derivative(int activation, float y)
    {
        if (activation == ActRelu) return y > 0.0f ? 1.0f : 0.0f;
        if (activation == ActLeakyRelu) return y > 0.0f ? 1.0f : CpuMath.LeakySlope;
        if (activation == ActSigmoid) return y * (1.0f - y);
        if (activation == ActTanh) return 1.0f - y * y;
        return 1.0f;
    }

    /// <summary>y[i] = act(x[i]) for i &lt; n; one work-item per element.</summary>
    [Kernel]
    public static void ActivationForward(KernelContext k, Buf<float> y, Buf<float> x, int n, int activation)
    {
        int i = k.GlobalId(0);
        if (i < n) y[i] = Activate(activation, x[i]);
    }

    /// <summary>dx[i] = dy[i] act'(y[i]) for i &lt; n; one work-item per element.</summary>
    [Kernel]
    public static void ActivationBackward(KernelContext k, Buf<float> dx, Buf<float> y, Buf<float> dy, int n,
        int activation)
    {
        int i = k.GlobalId(0);
        if (i < n) dx[i] = dy[i] * Derivative(activation, y[i]);
    }

    /// <summary>destination[i] = value for i &lt; n.</summary>
    [Kernel]
    public static void Fill(KernelContext k, Buf<float> destination, int n, float value)
    {
        int i = k.GlobalId(0);
        if (i < n) destination[i] = value;
    }
}
