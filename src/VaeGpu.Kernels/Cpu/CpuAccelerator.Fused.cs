// The fused ops on the CPU backend: each runs its two parts as the unfused ops do (no launch to save
// here, and so the results are those of the parts bit for bit).
namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void ReparameterizeKlCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> eps, BufferView<float> z, ulong seed, ulong stream,
        BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, float gradScale)
    {
        ReparameterizeForwardCore(mu, logvar, eps, z, rows * cols, seed, stream);
        KlDivergenceCore(mu, logvar, rows, cols, rowLoss, dmu, dlogvar, gradScale);
    }

    /// <inheritdoc/>
    protected override void ActivationBackwardColumnSumCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int rows, int cols, BufferView<float> sums,
        bool accumulate)
    {
        ActivationBackwardCore(activation, y, dy, dx, rows * cols);
        ColumnSumCore(dx, rows, cols, sums, accumulate);
    }
}
