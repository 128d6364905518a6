// The direct convolution kernels the kernel backends keep beside their im2col/GEMM path
// (Gpu/KernelAccelerator.Conv.cs): the weight gradient of a conv2d or conv_transpose2d (transposed != 0)
// whose whole gradient is one GEMM tile (one work-item per weight element, += ), and the bias gradient
// (one group per channel, += ). Every sum runs in one fixed order, so results are reproducible.
// Layouts: x (batch, inC, inH, inW), y (batch, outC, outH, outW); weight [outC, inC, kh, kw] for a conv
// and [inC, outC, kh, kw] for a transposed conv.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Direct Conv2d and ConvTranspose2d gradient kernels.</summary>
internal static partial class ConvKernels
{
    /// <summary>
    /// dweight += the weight gradient; one work-item per weight element, summing samples in order and,
    /// within a sample, the positions of the column grid (the conv's output, the transposed conv's input).
    /// </summary>
    [Kernel]
    public static void ConvBackwardWeight(KernelContext k, Buf<float> dweight, Buf<float> x, Buf<float> dy,
        int batch, int inC, int inH, int inW, int outC, int outH, int outW, int kh, int kw, int stride,
        int padding, int transposed)
    {
        int index = k.GlobalId(0);
        if (index < inC * outC * kh * kw)
        {
            int j = index % kw;
            int rest = index / kw;
            int i = rest % kh;
            rest = rest / kh;
            int second = rest % (transposed == 0 ? inC : outC);
            int first = rest / (transposed == 0 ? inC : outC);
            int co = transposed == 0 ? first : second;
            int ci = transposed == 0 ? second : first;
            // The grid is the smaller image (conv: y, transposed: x); position a s - p + tap is in the other.
            int gridH = transposed == 0 ? outH : inH;
            int gridW = transposed == 0 ? outW : inW;
            int bigH = transposed == 0 ? inH : outH;
            int bigW = transposed == 0 ? inW : outW;
            float sum = 0.0f;
            for (int sample = 0; sample < batch; sample++)
            {
                int xPlane = (sample * inC + ci) * inH * inW;
                int yPlane = (sample * outC + co) * outH * outW;
                for (int a = 0; a < gridH; a++)
                {
                    int by = a * stride - padding + i;
                    if (by >= 0 && by < bigH)
                    {
                        for (int b = 0; b < gridW; b++)
                        {
                            int bx = b * stride - padding + j;
                            if (bx >= 0 && bx < bigW)
                            {
                                int small = a * gridW + b;
                                int big = by * bigW + bx;
                                if (transposed == 0) sum += x[xPlane + big] * dy[yPlane + small];
                                else sum += x[xPlane + small] * dy[yPlane + big];
                            }
                        }
                    }
                }
            }
            dweight[index] += sum;
        }
    }

    /// <summary>
    /// dbias[c] += the sum of dy over samples and positions of channel c; one group of ReduceThreads
    /// work-items per channel, each summing a strided share in order, then a tree (a fixed order).
    /// </summary>
    [Kernel]
    public static void ConvBackwardBias(KernelContext k, Buf<float> dbias, Buf<float> dy, int batch,
        int channels, int plane)
    {
        Buf<float> scratch = k.Shared<float>(ReductionKernels.ReduceThreads);
        int channel = k.GroupId(0);
        int lane = k.LocalId(0);
        // Lane t sums elements t, t + ReduceThreads, ... of the channel's (sample, position) sequence,
        // stepping the pair by counting instead of dividing.
        int sample = lane / plane;
        int position = lane - sample * plane;
        float sum = 0.0f;
        while (sample < batch)
        {
            sum += dy[(sample * channels + channel) * plane + position];
            position += ReductionKernels.ReduceThreads;
            while (position >= plane)
            {
                position -= plane;
                sample = sample + 1;
            }
        }
        float total = ReductionKernels.TreeSum(k, scratch, sum);
        if (lane == 0) dbias[channel] = dbias[channel] + total;
    }
}
