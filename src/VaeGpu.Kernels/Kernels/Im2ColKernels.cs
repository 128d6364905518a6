// The layout kernels around the device GEMM that the kernel backends' convolutions are made of
// (Gpu/KernelAccelerator.Conv.cs): im2col and col2im over a chunk of samples whose column matrices sit
// side by side, and the shuffle between a batch (samples, C, plane) and the channel-major layout
// (C, samples plane) the GEMM reads and writes. An image is (C, H, W); its column matrix is
// (C kh kw, samples gridH gridW): row (c, i, j), column (sample, gy, gx) holds pixel
// (gy s - p + i, gx s - p + j) of that sample's channel c, or 0 outside the image. col2im gathers (each
// pixel sums its taps in (i, j) order, no atomics), so its sums are reproducible. A work-item handles a
// whole row (of the grid, image or plane): the index arithmetic's integer divisions are paid once per
// row, not per element (per element they cost as much as the GEMM on PoCL).
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>im2col, col2im and channel-major shuffles for the GEMM convolutions.</summary>
internal static partial class Im2ColKernels
{
    /// <summary>
    /// cols (channels kh kw, count gridH gridW) = im2col(images (count, channels, height, width)); one
    /// work-item per row of the grid of one column-matrix row (row, sample, gy), writing gridW floats.
    /// </summary>
    [Kernel]
    public static void Im2Col(KernelContext k, Buf<float> cols, Buf<float> images, int count, int channels,
        int height, int width, int kh, int kw, int stride, int padding, int gridH, int gridW)
    {
        int item = k.GlobalId(0);
        if (item < channels * kh * kw * count * gridH)
        {
            // Items run (row, sample, gy) with gy fastest, so item gridW is where its grid row starts.
            int rest = item / gridH;
            int gy = item - rest * gridH;
            int row = rest / count;
            int sample = rest - row * count;
            rest = row / kw;
            int j = row - rest * kw;
            int channel = rest / kh;
            int i = rest - channel * kh;
            int iy = gy * stride - padding + i;
            int start = item * gridW;
            if (iy >= 0 && iy < height)
            {
                int source = ((sample * channels + channel) * height + iy) * width;
                for (int gx = 0; gx < gridW; gx++)
                {
                    int ix = gx * stride - padding + j;
                    float value = 0.0f;
                    if (ix >= 0 && ix < width) value = images[source + ix];
                    cols[start + gx] = value;
                }
            }
            else
            {
                for (int gx = 0; gx < gridW; gx++) cols[start + gx] = 0.0f;
            }
        }
    }

    /// <summary>
    /// images (count, channels, height, width) = col2im(cols) [+ bias[channel]]: each pixel sums, taps in
    /// (i, j) order, the column entries im2col would copy from it; one work-item per image row.
    /// </summary>
    [Kernel]
    public static void Col2Im(KernelContext k, Buf<float> images, Buf<float> cols, Buf<float> bias,
        int hasBias, int count, int channels, int height, int width, int kh, int kw, int stride, int padding,
        int gridH, int gridW)
    {
        int item = k.GlobalId(0);
        if (item < count * channels * height)
        {
            int rest = item / height;
            int y = item - rest * height;
            int sample = rest / channels;
            int channel = rest - sample * channels;
            int columns = count * gridH * gridW;
            int first = sample * gridH * gridW;
            // Pixel (y, x) is tap i of grid row gy when y + p = gy s + i: i = (y + p) mod s, then every
            // s-th tap, one grid row back each. Along x the same split is kept by counting, not dividing.
            int topRow = (y + padding) / stride;
            int topTap = y + padding - topRow * stride;
            int leftCol = padding / stride;
            int leftTap = padding - leftCol * stride;
            for (int x = 0; x < width; x++)
            {
                float sum = 0.0f;
                int i = topTap;
                int gy = topRow;
                while (i < kh && gy >= 0)
                {
                    if (gy < gridH)
                    {
                        int j = leftTap;
                        int gx = leftCol;
                        while (j < kw && gx >= 0)
                        {
                            int row = (channel * kh + i) * kw + j;
                            if (gx < gridW) sum += cols[row * columns + first + gy * gridW + gx];
                            j += stride;
                            gx = gx - 1;
                        }
                    }
                    i += stride;
                    gy = gy - 1;
                }
                if (hasBias != 0) sum += bias[channel];
                images[item * width + x] = sum;
                leftTap = leftTap + 1;
                if (leftTap == stride)
                {
                    leftTap = 0;
                    leftCol = leftCol + 1;
                }
            }
        }
    }

    /// <summary>wide (channels, count plane) = batch (count, channels, plane) with the first two axes
    /// swapped; one work-item per (channel, sample) plane.</summary>
    [Kernel]
    public static void ToChannelMajor(KernelContext k, Buf<float> wide, Buf<float> batch, int count,
        int channels, int plane)
    {
        int item = k.GlobalId(0);
        if (item < channels * count)
        {
            int channel = item / count;
            int sample = item - channel * count;
            int source = (sample * channels + channel) * plane;
            int destination = item * plane;
            for (int p = 0; p < plane; p++) wide[destination + p] = batch[source + p];
        }
    }

    /// <summary>batch (count, channels, plane) = wide (channels, count plane) swapped back [+
    /// bias[channel]]; one work-item per (sample, channel) plane.</summary>
    [Kernel]
    public static void FromChannelMajor(KernelContext k, Buf<float> batch, Buf<float> wide, Buf<float> bias,
        int hasBias, int count, int channels, int plane)
    {
        int item = k.GlobalId(0);
        if (item < count * channels)
        {
            int sample = item / channels;
            int channel = item - sample * channels;
            float add = 0.0f;
            if (hasBias != 0) add = bias[channel];
            int source = (channel * count + sample) * plane;
            int destination = item * plane;
            for (int p = 0; p < plane; p++) batch[destination + p] = wide[source + p] + add;
        }
    }
}
