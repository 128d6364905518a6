// The GANs' kernels: uniform noise from Philox (the words RandomKernels.PhiloxWord gives), the affine
// map that scales images to [-1, 1], and the least-squares loss of the LSGAN with its gradient.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Uniform fill, affine map and least squares.</summary>
internal static partial class GanKernels
{
    /// <summary>
    /// destination[i] = low + (high - low) (top 24 bits of Philox word i % 4 of block i / 4) / 2^24.
    /// </summary>
    [Kernel]
    public static void FillUniform(KernelContext k, Buf<float> destination, int n, float low, float high,
        uint seedLo, uint seedHi, uint streamLo, uint streamHi)
    {
        int i = k.GlobalId(0);
        if (i < n)
        {
            uint word = RandomKernels.PhiloxWord((uint)(i >> 2), i & 3, seedLo, seedHi, streamLo, streamHi);
            float u = (float)(word >> 8) * (1.0f / 16777216.0f);
            destination[i] = low + (high - low) * u;
        }
    }

    /// <summary>y[i] = scale x[i] + shift for i &lt; n.</summary>
    [Kernel]
    public static void Affine(KernelContext k, Buf<float> y, Buf<float> x, int n, float scale, float shift)
    {
        int i = k.GlobalId(0);
        if (i < n) y[i] = scale * x[i] + shift;
    }

    /// <summary>
    /// One work-item per row: rowLoss[row] = 0.5 sum (p - t)^2 over cols, summed left to right;
    /// dpred = gradScale (p - t) when hasGrad.
    /// </summary>
    [Kernel]
    public static void SquaredError(KernelContext k, Buf<float> rowLoss, Buf<float> dpred, Buf<float> pred,
        Buf<float> targets, int rows, int cols, int hasGrad, float gradScale)
    {
        int row = k.GlobalId(0);
        if (row < rows)
        {
            float sum = 0.0f;
            for (int col = 0; col < cols; col++)
            {
                float diff = pred[row * cols + col] - targets[row * cols + col];
                sum += 0.5f * diff * diff;
                if (hasGrad != 0) dpred[row * cols + col] = gradScale * diff;
            }
            rowLoss[row] = sum;
        }
    }
}
