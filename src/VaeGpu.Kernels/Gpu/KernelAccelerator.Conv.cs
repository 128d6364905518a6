// The convolution, pooling and batch-norm ops of the kernel backends (OpenCL, CUDA): each is one or two
// launches of the direct kernels in Kernels/ConvKernels.cs, PoolKernels.cs and BatchNormKernels.cs.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

public abstract partial class KernelAccelerator
{
    /// <inheritdoc/>
    protected override void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        var g = geometry;
        ConvKernels.LaunchConvForward(Launcher, LaunchDims.Cover(batch * g.OutSize, ElementGroup), y, x,
            weight,
            bias.IsEmpty ? Placeholder : bias, bias.IsEmpty ? 0 : 1, batch, g.InChannels, g.InHeight,
                g.InWidth,
            g.OutChannels, g.OutHeight, g.OutWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding,
            g.Transposed ? 1 : 0);
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardInputCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> dy, BufferView<float> weight, BufferView<float> dx)
    {
        var g = geometry;
        ConvKernels.LaunchConvBackwardInput(Launcher, LaunchDims.Cover(batch * g.InSize, ElementGroup),
            dx, dy,
            weight, batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight, g.OutWidth,
            g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.Transposed ? 1 : 0);
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardWeightsCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> x, BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias)
    {
        var g = geometry;
        ConvKernels.LaunchConvBackwardWeight(Launcher, LaunchDims.Cover(g.WeightSize, ElementGroup), dweight,
            x, dy, batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight, g.OutWidth,
            g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.Transposed ? 1 : 0);
        if (!dbias.IsEmpty)
            ConvKernels.LaunchConvBackwardBias(Launcher, LaunchDims.Cover(g.OutChannels, ElementGroup), dbias,
                dy, batch, g.OutChannels, g.OutHeight * g.OutWidth);
    }

    /// <inheritdoc/>
    protected override void MaxPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax)
    {
        var g = geometry;
        PoolKernels.LaunchMaxPoolForward(Launcher, LaunchDims.Cover(batch * g.OutSize, ElementGroup), y,
            argmax,
            x, batch * g.Channels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth, g.Kernel, g.Stride);
    }

    /// <inheritdoc/>
    protected override void MaxPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx)
    {
        var g = geometry;
        PoolKernels.LaunchMaxPoolBackward(Launcher, LaunchDims.Cover(batch * g.InSize, ElementGroup), dx, dy,
            argmax, batch * g.Channels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth, g.Kernel, g.Stride);
    }

    /// <inheritdoc/>
    protected override void AvgPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y)
    {
        var g = geometry;
        PoolKernels.LaunchAvgPoolForward(Launcher, LaunchDims.Cover(batch * g.OutSize, ElementGroup), y, x,
            batch * g.Channels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth, g.Kernel, g.Stride);
    }

    /// <inheritdoc/>
    protected override void AvgPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> dx)
    {
        var g = geometry;
        PoolKernels.LaunchAvgPoolBackward(Launcher, LaunchDims.Cover(batch * g.InSize, ElementGroup), dx, dy,
            batch * g.Channels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth, g.Kernel, g.Stride);
    }

    /// <inheritdoc/>
    protected override void BatchNormForwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> gamma, BufferView<float> beta, BufferView<float> runningMean,
        BufferView<float> runningVar, BufferView<float> saveMean, BufferView<float> saveInvStd,
        BufferView<float> y, float momentum, float eps) =>
        BatchNormKernels.LaunchBatchNormForward(Launcher, LaunchDims.Cover(channels, ElementGroup), y,
            saveMean,
            saveInvStd, runningMean, runningVar, x, gamma, beta, training ? 1 : 0, batch, channels, spatial,
            momentum, eps);

    /// <inheritdoc/>
    protected override void BatchNormBackwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> dy, BufferView<float> gamma, BufferView<float> saveMean,
        BufferView<float> saveInvStd, BufferView<float> dx, BufferView<float> dgamma,
            BufferView<float> dbeta) =>
        BatchNormKernels.LaunchBatchNormBackward(Launcher, LaunchDims.Cover(channels, ElementGroup), dx,
            dgamma,
            dbeta, x, dy, gamma, saveMean, saveInvStd, training ? 1 : 0, batch, channels, spatial);
}
