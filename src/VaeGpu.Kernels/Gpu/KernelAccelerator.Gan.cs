// The GAN ops on the kernel-running backends (OpenCL, CUDA): launches of the GanKernels.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

public abstract partial class KernelAccelerator
{
    /// <inheritdoc/>
    protected override void FillUniformCore(BufferView<float> destination, int n, float low, float high,
        ulong seed, ulong stream) =>
        GanKernels.LaunchFillUniform(Launcher, LaunchDims.Cover(n, ElementGroup), destination, n, low, high,
            (uint)seed, (uint)(seed >> 32), (uint)stream, (uint)(stream >> 32));

    /// <inheritdoc/>
    protected override void AffineCore(BufferView<float> x, BufferView<float> y, int n, float scale,
        float shift) =>
        GanKernels.LaunchAffine(Launcher, LaunchDims.Cover(n, ElementGroup), y, x, n, scale, shift);

    /// <inheritdoc/>
    protected override void SquaredErrorCore(BufferView<float> predictions, BufferView<float> targets,
        int rows, int cols, BufferView<float> rowLoss, BufferView<float> dpred, float gradScale) =>
        GanKernels.LaunchSquaredError(Launcher, LaunchDims.Cover(rows, ElementGroup), rowLoss,
            dpred.IsEmpty ? Placeholder : dpred, predictions, targets, rows, cols, dpred.IsEmpty ? 0 : 1,
            gradScale);
}
