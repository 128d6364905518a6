// Kernels of the fused ops (Accelerator.Fused.cs): each computes every element with the same expression,
// in the same order, as the two kernels it replaces, so the results are theirs bit for bit; it saves a
// launch and a pass over the data.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Reparameterization with the KL term; activation backward with the bias gradient.</summary>
internal static partial class FusedKernels
{
    /// <summary>
    /// One group per row (groups of ReductionKernels.ReduceThreads): for i = row * cols + col,
    /// eps[i] = normal i of (seed, stream), z[i] = mu[i] + exp(0.5 logvar[i]) eps[i]
    /// (RandomKernels.ReparameterizeForward); rowLoss[row] = -0.5 sum (1 + lv - mu^2 - exp(lv)),
    /// dmu = gradScale mu, dlogvar = gradScale 0.5 (exp(lv) - 1) (ReductionKernels.KlDivergence).
    /// </summary>
    [Kernel]
    public static void ReparameterizeKl(KernelContext k, Buf<float> z, Buf<float> eps, Buf<float> rowLoss,
        Buf<float> dmu, Buf<float> dlogvar, Buf<float> mu, Buf<float> logvar, int rows, int cols,
        uint seedLo, uint seedHi, uint streamLo, uint streamHi, float gradScale)
    {
        Buf<float> scratch = k.Shared<float>(ReductionKernels.ReduceThreads);
        int row = k.GroupId(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = k.LocalId(0); col < cols; col += ReductionKernels.ReduceThreads)
            {
                int i = row * cols + col;
                float m = mu[i];
                float lv = logvar[i];
                float normal = RandomKernels.PhiloxNormal(i, seedLo, seedHi, streamLo, streamHi);
                eps[i] = normal;
                z[i] = m + KMath.Exp(0.5f * lv) * normal;
                float e = KMath.Exp(lv);
                sum += 1.0f + lv - m * m - e;
                dmu[i] = gradScale * m;
                dlogvar[i] = gradScale * 0.5f * (e - 1.0f);
            }
        }
        float total = ReductionKernels.TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (row < rows && lane == 0) rowLoss[row] = -0.5f * total;
    }

    /// <summary>
    /// One work-item per column: dx[row, col] = dy[row, col] act'(y[row, col]) for every row
    /// (ActivationKernels.ActivationBackward), and sums[col] ([+]=) the column of dx summed in row order
    /// (ReductionKernels.ColumnSum). dx may be dy.
    /// </summary>
    [Kernel]
    public static void ActivationBackwardColumnSum(KernelContext k, Buf<float> dx, Buf<float> sums,
        Buf<float> y, Buf<float> dy, int rows, int cols, int activation, int accumulate)
    {
        int col = k.GlobalId(0);
        if (col < cols)
        {
            float sum = accumulate != 0 ? sums[col] : 0.0f; // ColumnSum's order
            for (int row = 0; row < rows; row++)
            {
                int i = row * cols + col;
                float grad = dy[i] * ActivationKernels.Derivative(activation, y[i]);
                dx[i] = grad;
                sum += grad;
            }
            sums[col] = sum;
        }
    }
}
