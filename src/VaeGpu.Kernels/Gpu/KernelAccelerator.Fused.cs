// The fused ops on the kernel-running backends: one launch each (FusedKernels) where the unfused ops
// make two.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

public abstract partial class KernelAccelerator
{
    /// <inheritdoc/>
    protected override void ReparameterizeKlCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> eps, BufferView<float> z, ulong seed, ulong stream,
        BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, float gradScale) =>
        FusedKernels.LaunchReparameterizeKl(Launcher, RowDims(rows), z, eps, rowLoss, dmu, dlogvar, mu,
            logvar, rows, cols, (uint)seed, (uint)(seed >> 32), (uint)stream, (uint)(stream >> 32), gradScale);

    /// <inheritdoc/>
    protected override void ActivationBackwardColumnSumCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int rows, int cols, BufferView<float> sums,
        bool accumulate) =>
        FusedKernels.LaunchActivationBackwardColumnSum(Launcher, LaunchDims.Cover(cols, ElementGroup), dx,
            sums, y, dy, rows, cols, (int)activation, accumulate ? 1 : 0);
}
