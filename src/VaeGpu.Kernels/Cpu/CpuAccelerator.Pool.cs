// Max and average pooling on the CPU backend, range-parallel over (sample, channel) planes. Backward
// passes zero the input gradient's plane and add each window's share in window order, so overlapping
// windows (stride < kernel) sum in a fixed order whatever the thread count.
namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void MaxPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax) =>
        Dispatch(new PoolWork(geometry, Ptr(x), Ptr(y), Ptr(argmax), PoolMode.MaxForward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void MaxPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx) =>
        Dispatch(new PoolWork(geometry, Ptr(dx), Ptr(dy), Ptr(argmax), PoolMode.MaxBackward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void AvgPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y) =>
        Dispatch(new PoolWork(geometry, Ptr(x), Ptr(y), null, PoolMode.AvgForward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void AvgPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> dx) =>
        Dispatch(new PoolWork(geometry, Ptr(dx), Ptr(dy), null, PoolMode.AvgBackward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    private enum PoolMode { MaxForward, MaxBackward, AvgForward, AvgBackward }

    // Items are planes (sample, channel). input: (planes, H, W) (x, or dx in backward);
    // output: (planes, Ho, Wo) (y, or dy in backward); argmax: (planes, Ho, Wo) for max pooling.
    private readonly struct PoolWork(Pool2dGeometry g, float* input, float* output, int* argmax,
        PoolMode mode) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
            for (int item = begin; item < end; item++)
            {
                float* image = input + (long)item * inPlane;
                float* pooled = output + (long)item * outPlane;
                int* index = argmax + (long)item * outPlane; // unused (null based) for average pooling
                if (mode is PoolMode.MaxBackward or PoolMode.AvgBackward)
                    new Span<float>(image, inPlane).Clear();
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        int o = oh * g.OutWidth + ow, top = oh * g.Stride, left = ow * g.Stride;
                        switch (mode)
                        {
                            case PoolMode.MaxForward:
                                MaxWindow(image, top, left, pooled + o, index + o);
                                break;
                            case PoolMode.MaxBackward: image[index[o]] += pooled[o]; break;
                            case PoolMode.AvgForward: pooled[o] = AvgWindow(image, top, left); break;
                            default: SpreadWindow(image, top, left, pooled[o]); break;
                        }
                    }
            }
        }

        // The first maximum in row-major window order; a NaN wins and stays (as in PyTorch).
        private void MaxWindow(float* image, int top, int left, float* best, int* where)
        {
            float max = float.NegativeInfinity;
            int at = top * g.InWidth + left;
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++)
                {
                    int p = (top + i) * g.InWidth + left + j;
                    float v = image[p];
                    if (v > max || (float.IsNaN(v) && !float.IsNaN(max))) { max = v; at = p; }
                }
            *best = max;
            *where = at;
        }

        private float AvgWindow(float* image, int top, int left)
        {
            float sum = 0;
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++) sum += image[(top + i) * g.InWidth + left + j];
            return sum / (g.Kernel * g.Kernel);
        }

        private void SpreadWindow(float* image, int top, int left, float gradient)
        {
            float share = gradient / (g.Kernel * g.Kernel);
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++) image[(top + i) * g.InWidth + left + j] += share;
        }
    }
}
