// The four optimizer updates over the flat parameter arena, one work-item per parameter. Step-dependent
// scalars (Adam's step size and bias correction) are computed once on the host and passed in.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Adam, SGD with momentum, RMSProp and Adagrad updates.</summary>
internal static partial class OptimizerKernels
{
    /// <summary>
    /// PyTorch's Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    /// p += negativeStep (m / (sqrt(v) / c2Sqrt + eps)), where negativeStep = -lr / (1 - b1^t) and
    /// c2Sqrt = sqrt(1 - b2^t) come from the host (OptimizerParams.AdamScalars).
    /// </summary>
    [Kernel]
    public static void AdamStep(KernelContext k, Buf<float> parameters, Buf<float> m, Buf<float> v,
        Buf<float> gradients, int n, float beta1, float beta2, float epsilon, float negativeStep,
        float c2Sqrt)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            float g = gradients[i];
            float mi = beta1 * m[i] + (1.0f - beta1) * g;
            float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            float denominator = KMath.Sqrt(vi) / c2Sqrt + epsilon;
            parameters[i] = parameters[i] + negativeStep * (mi / denominator);
        }
    }

    /// <summary>v = momentum v + g; p -= lr v (PyTorch's form).</summary>
    [Kernel]
    public static void SgdStep(KernelContext k, Buf<float> parameters, Buf<float> velocity,
        Buf<float> gradients, int n, float lr, float momentum)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            float vi = momentum * velocity[i] + gradients[i];
            velocity[i] = vi;
            parameters[i] = parameters[i] - lr * vi;
        }
    }

    /// <summary>s = alpha s + (1 - alpha) g^2; p -= lr g / (sqrt(s) + eps).</summary>
    [Kernel]
    public static void RmsPropStep(KernelContext k, Buf<float> parameters, Buf<float> square,
        Buf<float> gradients, int n, float lr, float alpha, float epsilon)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = alpha * square[i] + (1.0f - alpha) * g * g;
            square[i] = s;
            parameters[i] = parameters[i] - lr * g / (KMath.Sqrt(s) + epsilon);
        }
    }

    /// <summary>s += g^2; p -= lr g / (sqrt(s) + eps).</summary>
    [Kernel]
    public static void AdagradStep(KernelContext k, Buf<float> parameters, Buf<float> sum,
        Buf<float> gradients, int n, float lr, float epsilon)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            float g = gradients[i];
            float s = sum[i] + g * g;
            sum[i] = s;
            parameters[i] = parameters[i] - lr * g / (KMath.Sqrt(s) + epsilon);
        }
    }
}
