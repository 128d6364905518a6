// The convolution, pooling and batch-norm ops of the kernel backends (OpenCL, CUDA). A convolution is
// im2col/col2im (Kernels/Im2ColKernels.cs) around the device GEMM, one GEMM per chunk of samples whose
// column matrices sit side by side, (C kh kw, samples plane), so a launch covers thousands of columns;
// the GEMM's other operand and result are channel-major, (C, samples plane), shuffled to and from the
// batch layout (the bias is added in that shuffle or in col2im). The workspace holding a chunk's column
// matrix and channel-major block is allocated once and grows only when a larger chunk appears. Pooling
// and batch norm are direct kernels (PoolKernels.cs, BatchNormKernels.cs).
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

public abstract partial class KernelAccelerator
{
    /// <summary>Floats of the conv workspace budget (32 MiB): a chunk takes as many samples as fit.</summary>
    internal const int DefaultConvWorkspaceFloats = 1 << 23;

    private DeviceBuffer<float>? _convWorkspace; // (chunk, ColSize + channels plane): grows, never shrinks

    /// <summary>
    /// The conv workspace budget in floats (tests lower it so that a small batch spans several chunks).
    /// </summary>
    internal int ConvWorkspaceFloats { get; set; } = DefaultConvWorkspaceFloats;

    /// <summary>
    /// Whether a weight gradient that is one GEMM tile runs as the direct kernel (default; measured
    /// faster on PoCL); tests turn it off so that the GEMM path meets every shape too.
    /// </summary>
    internal bool DirectThinWeightGradients { get; set; } = true;

    /// <inheritdoc/>
    protected override void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        var g = geometry;
        // Conv: y (Cout, samples HoWo) = W (Cout, Cin kh kw) col(x).
        // Transposed: col(y) (Cout kh kw, samples HW) = W^T (Cout kh kw, Cin) x; y = col2im + bias.
        if (!g.Transposed) ColumnsGemm(ColumnsOf(g), g.OutChannels, batch, weight, x, y, bias);
        else GemmCol2Im(ColumnsOf(g), g.InChannels, batch, weight, x, y, bias);
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardInputCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> dy, BufferView<float> weight, BufferView<float> dx)
    {
        var g = geometry;
        // Conv: dcol (Cin kh kw, samples HoWo) = W^T dy; dx = col2im(dcol).
        // Transposed: dx (Cin, samples HW) = W (Cin, Cout kh kw) col(dy).
        if (!g.Transposed) GemmCol2Im(ColumnsOf(g), g.OutChannels, batch, weight, dy, dx, default);
        else ColumnsGemm(ColumnsOf(g), g.InChannels, batch, weight, dy, dx, default);
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardWeightsCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> x, BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias)
    {
        var g = geometry;
        // Conv: dW (Cout, Cin kh kw) += dy (Cout, samples HoWo) col(x)^T.
        // Transposed: dW (Cin, Cout kh kw) += x (Cin, samples HW) col(dy)^T. Chunks in sample order.
        var shape = ColumnsOf(g);
        int channels = g.Transposed ? g.InChannels : g.OutChannels;
        if (DirectThinWeightGradients && channels <= Tiling.TileM && shape.ColRows <= Tiling.TileN)
        {
            // The whole gradient is one GEMM tile, which one work-group (one core, one multiprocessor) would
            // compute over a depth of samples x positions; the direct kernel spreads it over its weights.
            ConvKernels.LaunchConvBackwardWeight(Launcher, LaunchDims.Cover(g.WeightSize, ElementGroup),
                dweight, x, dy, batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight,
                g.OutWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.Transposed ? 1 : 0);
            BiasGradient(g, batch, dy, dbias);
            return;
        }
        BufferView<float> plain = g.Transposed ? x : dy, images = g.Transposed ? dy : x;
        int plainSize = channels * shape.ColCols;
        int chunk = ConvChunk(shape, channels, batch, out var cols, out var wide);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            int columns = count * shape.ColCols;
            Im2Col(shape, count, Samples(images, start, count, shape.ImageSize), cols);
            ToChannelMajor(channels, shape.ColCols, count, Samples(plain, start, count, plainSize), wide);
            GemmCore(GemmLayout.NT, channels, shape.ColRows, columns, wide.Slice(0, channels * columns),
                cols.Slice(0, shape.ColRows * columns), dweight, true, default, Activation.Identity);
        }
        BiasGradient(g, batch, dy, dbias);
    }

    // dbias (if given) += dy summed per output channel: one group per channel.
    private void BiasGradient(in Conv2dGeometry g, int batch, BufferView<float> dy, BufferView<float> dbias)
    {
        if (dbias.IsEmpty) return;
        const int group = ReductionKernels.ReduceThreads;
        ConvKernels.LaunchConvBackwardBias(Launcher, new LaunchDims(g.OutChannels * group, 1, group, 1),
            dbias, dy, batch, g.OutChannels, g.OutHeight * g.OutWidth);
    }

    // outputs (samples, channels, ColCols) = W (channels, ColRows) col(images) [+ bias], chunk by chunk: a
    // conv's forward and a transposed conv's input gradient.
    private void ColumnsGemm(in ColShape shape, int channels, int batch, BufferView<float> weight,
        BufferView<float> images, BufferView<float> outputs, BufferView<float> bias)
    {
        int chunk = ConvChunk(shape, channels, batch, out var cols, out var wide);
        int outputSize = channels * shape.ColCols;
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            int columns = count * shape.ColCols;
            Im2Col(shape, count, Samples(images, start, count, shape.ImageSize), cols);
            GemmCore(GemmLayout.NN, channels, columns, shape.ColRows, weight,
                cols.Slice(0, shape.ColRows * columns), wide.Slice(0, channels * columns), false, default,
                Activation.Identity);
            Im2ColKernels.LaunchFromChannelMajor(Launcher, LaunchDims.Cover(count * channels, ElementGroup),
                Samples(outputs, start, count, outputSize), wide, OrPlaceholder(bias), bias.IsEmpty ? 0 : 1,
                count, channels, shape.ColCols);
        }
    }

    // images (samples, ...) = col2im(W^T (ColRows, channels) inputs (channels, samples ColCols)) [+ bias],
    // chunk by chunk: a transposed conv's forward and a conv's input gradient.
    private void GemmCol2Im(in ColShape shape, int channels, int batch, BufferView<float> weight,
        BufferView<float> inputs, BufferView<float> images, BufferView<float> bias)
    {
        int chunk = ConvChunk(shape, channels, batch, out var cols, out var wide);
        int inputSize = channels * shape.ColCols;
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            int columns = count * shape.ColCols;
            ToChannelMajor(channels, shape.ColCols, count, Samples(inputs, start, count, inputSize), wide);
            GemmCore(GemmLayout.TN, shape.ColRows, columns, channels, weight,
                wide.Slice(0, channels * columns), cols.Slice(0, shape.ColRows * columns), false, default,
                Activation.Identity);
            Im2ColKernels.LaunchCol2Im(Launcher,
                LaunchDims.Cover(count * shape.Channels * shape.Height, ElementGroup),
                Samples(images, start, count, shape.ImageSize), cols, OrPlaceholder(bias),
                bias.IsEmpty ? 0 : 1, count, shape.Channels, shape.Height, shape.Width, shape.KernelHeight,
                shape.KernelWidth, shape.Stride, shape.Padding, shape.ColHeight, shape.ColWidth);
        }
    }

    private void Im2Col(in ColShape shape, int count, BufferView<float> images, BufferView<float> cols) =>
        Im2ColKernels.LaunchIm2Col(Launcher,
            LaunchDims.Cover(shape.ColRows * count * shape.ColHeight, ElementGroup), cols, images, count,
            shape.Channels, shape.Height, shape.Width, shape.KernelHeight, shape.KernelWidth, shape.Stride,
            shape.Padding, shape.ColHeight, shape.ColWidth);

    private void ToChannelMajor(int channels, int plane, int count, BufferView<float> batch,
        BufferView<float> wide) =>
        Im2ColKernels.LaunchToChannelMajor(Launcher, LaunchDims.Cover(channels * count, ElementGroup), wide,
            batch, count, channels, plane);

    private BufferView<float> OrPlaceholder(BufferView<float> optional) =>
        optional.IsEmpty ? Placeholder : optional;

    private static BufferView<float> Samples(BufferView<float> batch, int start, int count, int size) =>
        batch.Slice(start * size, count * size);

    // The column matrix of a conv is its input image sampled at the output positions; that of a
    // transposed conv is its output image sampled at the input positions (ColShape, as on cpu).
    private static ColShape ColumnsOf(in Conv2dGeometry g) => g.Transposed
        ? new(g.OutChannels, g.OutHeight, g.OutWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding,
            g.InHeight, g.InWidth)
        : new(g.InChannels, g.InHeight, g.InWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding,
            g.OutHeight, g.OutWidth);

    // Samples per chunk (at least one) whose column matrix and channel-major block of `channels` rows fit
    // the budget, and the two regions of the workspace, grown first if this chunk needs more.
    private int ConvChunk(in ColShape shape, int channels, int batch, out BufferView<float> cols,
        out BufferView<float> wide)
    {
        long perSample = shape.ColSize + (long)channels * shape.ColCols;
        int chunk = (int)Math.Clamp(ConvWorkspaceFloats / perSample, 1, batch);
        long colFloats = chunk * shape.ColSize, floats = colFloats + chunk * (long)channels * shape.ColCols;
        if (floats > int.MaxValue)
            throw new ArgumentException($"one sample's conv workspace ({perSample} floats: column matrix "
                + $"{shape}) exceeds a device buffer");
        if (_convWorkspace is null || _convWorkspace.Length < floats)
        {
            // Growth is rare (a new largest shape); wait so that no queued launch still reads the old one.
            if (_convWorkspace is not null) SynchronizeCore();
            _convWorkspace?.Dispose();
            _convWorkspace = null;
            _convWorkspace = AllocateCore<float>((int)floats);
        }
        cols = _convWorkspace.Slice(0, (int)colFloats);
        wide = _convWorkspace.Slice((int)colFloats, (int)(floats - colFloats));
        return chunk;
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
