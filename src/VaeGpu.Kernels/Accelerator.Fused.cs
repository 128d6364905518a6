// Fused ops: two ops of the set that run back to back on the same data in a training step, as one op, so a
// kernel-running backend makes one launch (and one pass over the data) where it made two. Each is defined
// as exactly its two parts in order: the results equal the unfused calls (bit for bit on every backend
// whose parts compute each element with the same expression, which ours do).
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// <see cref="ReparameterizeForward"/> of the rows x cols matrices mu and logvar, then
    /// <see cref="KlDivergence"/> of the same with gradients: eps, z, rowLoss (rows), dmu and dlogvar
    /// (assigned gradScale mu and gradScale 0.5 (exp(lv) - 1)).
    /// </summary>
    public void ReparameterizeKl(BufferView<float> mu, BufferView<float> logvar, int rows, int cols,
        BufferView<float> eps, BufferView<float> z, ulong seed, ulong stream, BufferView<float> rowLoss,
        BufferView<float> dmu, BufferView<float> dlogvar, float gradScale)
    {
        CheckPositive(rows); CheckPositive(cols);
        long size = (long)rows * cols;
        CheckView(mu, size); CheckView(logvar, size); CheckView(eps, size); CheckView(z, size);
        CheckView(rowLoss, rows); CheckView(dmu, size); CheckView(dlogvar, size);
        // Every output is distinct from every input and from the other outputs.
        CheckNoOverlap(eps, mu); CheckNoOverlap(eps, logvar);
        CheckNoOverlap(z, mu); CheckNoOverlap(z, logvar); CheckNoOverlap(z, eps);
        CheckNoOverlap(rowLoss, mu); CheckNoOverlap(rowLoss, logvar); CheckNoOverlap(rowLoss, eps);
        CheckNoOverlap(rowLoss, z);
        CheckNoOverlap(dmu, mu); CheckNoOverlap(dmu, logvar); CheckNoOverlap(dmu, eps);
        CheckNoOverlap(dmu, z); CheckNoOverlap(dmu, rowLoss);
        CheckNoOverlap(dlogvar, mu); CheckNoOverlap(dlogvar, logvar); CheckNoOverlap(dlogvar, eps);
        CheckNoOverlap(dlogvar, z); CheckNoOverlap(dlogvar, rowLoss); CheckNoOverlap(dlogvar, dmu);
        ReparameterizeKlCore(mu, logvar, rows, cols, eps, z, seed, stream, rowLoss, dmu, dlogvar, gradScale);
    }

    /// <summary>
    /// <see cref="ActivationBackward"/> of the rows x cols matrices (dx may be dy), then
    /// <see cref="ColumnSum"/> of dx into sums: a layer's dL/d(pre-activation) and its bias gradient.
    /// </summary>
    public void ActivationBackwardColumnSum(Activation activation, BufferView<float> y, BufferView<float> dy,
        BufferView<float> dx, int rows, int cols, BufferView<float> sums, bool accumulate)
    {
        CheckPositive(rows); CheckPositive(cols);
        long size = (long)rows * cols;
        CheckView(y, size); CheckView(dy, size); CheckView(dx, size); CheckView(sums, cols);
        if (Overlaps(dx, dy) && dx.Offset != dy.Offset)
            throw new ArgumentException("dx partially overlaps dy", nameof(dx));
        if (Overlaps(dx, y) && dx.Offset != y.Offset)
            throw new ArgumentException("dx partially overlaps y", nameof(dx));
        CheckNoOverlap(sums, dx); CheckNoOverlap(sums, dy); CheckNoOverlap(sums, y);
        ActivationBackwardColumnSumCore(activation, y, dy, dx, rows, cols, sums, accumulate);
    }

    /// <summary>Backend fused reparameterization and KL; arguments checked.</summary>
    protected abstract void ReparameterizeKlCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> eps, BufferView<float> z, ulong seed, ulong stream,
        BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, float gradScale);
    /// <summary>Backend fused activation backward and column sums; arguments checked.</summary>
    protected abstract void ActivationBackwardColumnSumCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int rows, int cols, BufferView<float> sums,
        bool accumulate);
}
