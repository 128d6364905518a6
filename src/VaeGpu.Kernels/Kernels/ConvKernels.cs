// Direct convolution kernels, one work-item per output element, for conv2d and conv_transpose2d
// (transposed != 0): forward (per y element), input gradient (per dx element), weight gradient (per
// weight element, += ) and bias gradient (per channel, +=). Each work-item sums its terms in one fixed
// order, so results are reproducible. Layouts: x (batch, inC, inH, inW), y (batch, outC, outH, outW);
// weight [outC, inC, kh, kw] for a conv and [inC, outC, kh, kw] for a transposed conv.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Conv2d and ConvTranspose2d kernels.</summary>
internal static partial class ConvKernels
{
    /// <summary>
    /// The input row/column that output position o reads through kernel tap t, or -1 if none: o s - p + t
    /// for a conv; (o + p - t) / s when that divides exactly for a transposed conv. size: the input's extent.
    /// </summary>
    [DeviceFunction]
    public static int Source(int o, int tap, int stride, int padding, int size, int transposed)
    {
        int position = -1;
        if (transposed == 0)
        {
            position = o * stride - padding + tap;
        }
        else
        {
            int t = o + padding - tap;
            if (t >= 0 && t % stride == 0) position = t / stride;
        }
        if (position >= size) position = -1;
        return position;
    }

    /// <summary>The index of weight (outChannel, inChannel, i, j) in the layer's layout.</summary>
    [DeviceFunction]
    public static int WeightIndex(int co, int ci, int i, int j, int inC, int outC, int kh, int kw,
        int transposed)
    {
        int first = transposed == 0 ? co * inC + ci : ci * outC + co;
        return (first * kh + i) * kw + j;
    }

    /// <summary>y = conv(x, weight) [+ bias]; one work-item per element of y.</summary>
    [Kernel]
    public static void ConvForward(KernelContext k, Buf<float> y, Buf<float> x, Buf<float> weight,
        Buf<float> bias, int hasBias, int batch, int inC, int inH, int inW, int outC, int outH,
            int outW, int kh,
        int kw, int stride, int padding, int transposed)
    {
        int index = k.GlobalId(0);
        if (index < batch * outC * outH * outW)
        {
            int ox = index % outW;
            int rest = index / outW;
            int oy = rest % outH;
            rest = rest / outH;
            int co = rest % outC;
            int sample = rest / outC;
            float sum = 0.0f;
            if (hasBias != 0) sum = bias[co];
            for (int ci = 0; ci < inC; ci++)
            {
                int plane = (sample * inC + ci) * inH;
                for (int i = 0; i < kh; i++)
                {
                    int iy = Source(oy, i, stride, padding, inH, transposed);
                    if (iy >= 0)
                    {
                        for (int j = 0; j < kw; j++)
                        {
                            int ix = Source(ox, j, stride, padding, inW, transposed);
                            if (ix >= 0)
                                sum += x[(plane + iy) * inW + ix]
                                    * weight[WeightIndex(co, ci, i, j, inC, outC, kh, kw, transposed)];
                        }
                    }
                }
            }
            y[index] = sum;
        }
    }

    /// <summary>dx = the input gradient of ConvForward given dy; one work-item per element of dx.</summary>
    [Kernel]
    public static void ConvBackwardInput(KernelContext k, Buf<float> dx, Buf<float> dy, Buf<float> weight,
        int batch, int inC, int inH, int inW, int outC, int outH, int outW, int kh, int kw, int stride,
        int padding, int transposed)
    {
        int index = k.GlobalId(0);
        if (index < batch * inC * inH * inW)
        {
            int ix = index % inW;
            int rest = index / inW;
            int iy = rest % inH;
            rest = rest / inH;
            int ci = rest % inC;
            int sample = rest / inC;
            float sum = 0.0f;
            for (int co = 0; co < outC; co++)
            {
                int plane = (sample * outC + co) * outH;
                for (int i = 0; i < kh; i++)
                {
                    // The output row that input row iy feeds through tap i: the other direction's Source.
                    int oy = Source(iy, i, stride, padding, outH, 1 - transposed);
                    if (oy >= 0)
                    {
                        for (int j = 0; j < kw; j++)
                        {
                            int ox = Source(ix, j, stride, padding, outW, 1 - transposed);
                            if (ox >= 0)
                                sum += dy[(plane + oy) * outW + ox]
                                    * weight[WeightIndex(co, ci, i, j, inC, outC, kh, kw, transposed)];
                        }
                    }
                }
            }
            dx[index] = sum;
        }
    }

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
