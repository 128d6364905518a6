// Fixed-order reductions: column sums, the two-stage SumInto, and the per-row losses with their
// gradients. No float atomics anywhere: every sum adds its terms in an order fixed by the launch
// geometry alone, so the same inputs give the same bits on every run.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Column sums, fixed-order total sums and row losses (BCE, MSE, KL).</summary>
internal static partial class ReductionKernels
{
    /// <summary>Work-items per group in the tree reductions (a power of two).</summary>
    public const int ReduceThreads = 256;
    /// <summary>Most groups the first stage of SumInto uses (the size of the partials scratch).</summary>
    public const int MaxPartials = 64;

    /// <summary>
    /// The group's sum of value (one per work-item), every work-item getting it: a tree in shared memory
    /// with halving strides, so the order depends only on ReduceThreads. scratch: ReduceThreads floats.
    /// </summary>
    [DeviceFunction]
    public static float TreeSum(KernelContext k, [Shared] Buf<float> scratch, float value)
    {
        int lane = k.LocalId(0);
        scratch[lane] = value;
        k.Barrier();
        for (int width = ReduceThreads / 2; width > 0; width = width / 2)
        {
            if (lane < width) scratch[lane] = scratch[lane] + scratch[lane + width];
            k.Barrier();
        }
        return scratch[0];
    }

    /// <summary>
    /// sums[col] = (accumulate ? sums[col] : 0) + x[0, col] + x[1, col] + ... in row order (the cpu
    /// backend's order); one work-item per column.
    /// </summary>
    [Kernel]
    public static void ColumnSum(KernelContext k, Buf<float> sums, Buf<float> x, int rows, int cols,
        int accumulate)
    {
        int col = k.GlobalId(0);
        if (col < cols)
        {
            float sum = accumulate != 0 ? sums[col] : 0.0f; // the cpu backend's order: (s + x0) + x1 ...
            for (int row = 0; row < rows; row++) sum += x[row * cols + col];
            sums[col] = sum;
        }
    }

    /// <summary>
    /// Stage one of SumInto: group g sums values[i] for i = g * ReduceThreads + t + j * stride
    /// (stride = groups * ReduceThreads) into partials[g].
    /// </summary>
    [Kernel]
    public static void SumPartials(KernelContext k, Buf<float> partials, Buf<float> values, int n)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        int stride = k.NumGroups(0) * ReduceThreads;
        float sum = 0.0f;
        for (int i = k.GlobalId(0); i < n; i += stride) sum += values[i];
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (lane == 0) partials[k.GroupId(0)] = total;
    }

    /// <summary>
    /// Stage two of SumInto, one group: accumulator[0] += partials[0] + ... + partials[count - 1].
    /// </summary>
    [Kernel]
    public static void SumFinish(KernelContext k, Buf<float> accumulator, Buf<float> partials, int count)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        float sum = 0.0f;
        for (int i = k.LocalId(0); i < count; i += ReduceThreads) sum += partials[i];
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (lane == 0) accumulator[0] = accumulator[0] + total;
    }

    /// <summary>
    /// SumInto in one launch when one group suffices (n &lt;= ReduceThreads): one group,
    /// accumulator[0] += the tree sum of values[t] (t &lt; n). Bit for bit SumPartials with one group
    /// followed by SumFinish with count 1 (which adds zeros to that one partial), in one launch.
    /// </summary>
    [Kernel]
    public static void SumOneGroup(KernelContext k, Buf<float> accumulator, Buf<float> values, int n)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        float sum = 0.0f;
        for (int i = k.LocalId(0); i < n; i += ReduceThreads) sum += values[i];
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (lane == 0) accumulator[0] = accumulator[0] + total;
    }

    /// <summary>
    /// One group per row: rowLoss[row] = sum over cols of the stable BCE on logits
    /// max(l, 0) - l x + log(1 + e) with e = exp(-|l|), which never exponentiates a positive number;
    /// if hasGrad, dlogits = gradScale (sigmoid(l) - x) with sigmoid(l) = (l &gt;= 0 ? 1 : e) / (1 + e).
    /// </summary>
    [Kernel]
    public static void BceWithLogits(KernelContext k, Buf<float> rowLoss, Buf<float> dlogits,
        Buf<float> logits, Buf<float> targets, int rows, int cols, int hasGrad, float gradScale)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        int row = k.GroupId(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = k.LocalId(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float l = logits[i];
                float x = targets[i];
                float e = ActivationKernels.Exp(-KMath.Abs(l)); // the cpu backend's exp and formulas
                sum += KMath.Max(l, 0.0f) - l * x + KMath.Log(1.0f + e);
                float s = (l >= 0.0f ? 1.0f : e) / (1.0f + e); // sigmoid(l)
                if (hasGrad != 0) dlogits[i] = gradScale * (s - x);
            }
        }
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (row < rows && lane == 0) rowLoss[row] = total;
    }

    /// <summary>
    /// One group per row: rowLoss[row] = sum over cols of (s - x)^2 with s = sigmoid(l);
    /// if hasGrad, dlogits = gradScale 2 (s - x) s (1 - s).
    /// </summary>
    [Kernel]
    public static void MseOnSigmoid(KernelContext k, Buf<float> rowLoss, Buf<float> dlogits,
        Buf<float> logits, Buf<float> targets, int rows, int cols, int hasGrad, float gradScale)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        int row = k.GroupId(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = k.LocalId(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float s = 1.0f / (1.0f + KMath.Exp(-logits[i]));
                float diff = s - targets[i];
                sum += diff * diff;
                if (hasGrad != 0) dlogits[i] = gradScale * 2.0f * diff * s * (1.0f - s);
            }
        }
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (row < rows && lane == 0) rowLoss[row] = total;
    }

    /// <summary>
    /// One group per row: rowLoss[row] = -0.5 sum (1 + lv - mu^2 - exp(lv)); if hasGrad,
    /// dmu = gradScale mu and dlogvar = gradScale 0.5 (exp(lv) - 1).
    /// </summary>
    [Kernel]
    public static void KlDivergence(KernelContext k, Buf<float> rowLoss, Buf<float> dmu, Buf<float> dlogvar,
        Buf<float> mu, Buf<float> logvar, int rows, int cols, int hasGrad, float gradScale)
    {
        Buf<float> scratch = k.Shared<float>(ReduceThreads);
        int row = k.GroupId(0);
        float sum = 0.0f;
        if (row < rows)
        {
            for (int col = k.LocalId(0); col < cols; col += ReduceThreads)
            {
                int i = row * cols + col;
                float m = mu[i];
                float lv = logvar[i];
                float e = KMath.Exp(lv);
                sum += 1.0f + lv - m * m - e;
                if (hasGrad != 0)
                {
                    dmu[i] = gradScale * m;
                    dlogvar[i] = gradScale * 0.5f * (e - 1.0f);
                }
            }
        }
        float total = TreeSum(k, scratch, sum);
        int lane = k.LocalId(0);
        if (row < rows && lane == 0) rowLoss[row] = -0.5f * total;
    }
}
