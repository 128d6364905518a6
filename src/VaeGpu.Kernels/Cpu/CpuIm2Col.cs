// im2col and col2im for the CPU convolutions, as range-parallel work over (sample, channel) pairs.
// An image is (C, H, W); its column matrix is (C kh kw, colH colW): row (c, i, j) holds, for every
// output position (oh, ow), the pixel at (oh s - p + i, ow s - p + j) or 0 outside the image.
// col2im adds the column matrix back into a zeroed image in a fixed order, so it is deterministic.
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

/// <summary>One sample's image and column-matrix shapes of an im2col/col2im pair.</summary>
internal readonly record struct ColShape(int Channels, int Height, int Width, int KernelHeight,
    int KernelWidth, int Stride, int Padding, int ColHeight, int ColWidth)
{
    /// <summary>Rows of the column matrix: C kh kw.</summary>
    public int ColRows => Channels * KernelHeight * KernelWidth;

    /// <summary>Columns of the column matrix: colH colW.</summary>
    public int ColCols => ColHeight * ColWidth;

    /// <summary>Elements of one sample's column matrix.</summary>
    public long ColSize => (long)ColRows * ColCols;

    /// <summary>Elements of one image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>True when the column matrix is the image itself (1 x 1 kernel, stride 1,
    /// no padding).</summary>
    public bool IsIdentity => KernelHeight == 1 && KernelWidth == 1 && Stride == 1 && Padding == 0
        && ColHeight == Height && ColWidth == Width;

    /// <summary>
    /// The output columns [lo, hi) whose input column ow s - p + j lies inside [0, Width).
    /// </summary>
    public (int Lo, int Hi) ValidColumns(int j)
    {
        int first = Padding - j;
        int lo = first <= 0 ? 0 : (first + Stride - 1) / Stride;
        int last = Width - 1 + Padding - j;
        int hi = last < 0 ? 0 : Math.Min(ColWidth, last / Stride + 1);
        return (lo, Math.Max(lo, hi));
    }
}

/// <summary>
/// Items (sample, channel): images (samples, C, H, W) to column matrices; sample s's row r starts at
/// cols + s sampleStride + r rowStride (per sample: ColSize, ColCols; side by side: ColCols, n ColCols).
/// </summary>
internal readonly unsafe struct Im2ColWork(float* images, float* cols, ColShape shape, long sampleStride,
    long rowStride) : IRangeWork
{
    public void Run(int begin, int end)
    {
        int plane = shape.Height * shape.Width, taps = shape.KernelHeight * shape.KernelWidth;
        for (int item = begin; item < end; item++)
        {
            int sample = item / shape.Channels, channel = item % shape.Channels;
            float* image = images + (long)sample * shape.ImageSize + (long)channel * plane;
            float* col = cols + sample * sampleStride + channel * taps * rowStride;
            for (int i = 0; i < shape.KernelHeight; i++)
                for (int j = 0; j < shape.KernelWidth; j++)
                    Tap(image, col + (i * shape.KernelWidth + j) * rowStride, i, j);
        }
    }

    // One column-matrix row: the image shifted by kernel tap (i, j) and strided.
    private void Tap(float* image, float* row, int i, int j)
    {
        var (lo, hi) = shape.ValidColumns(j);
        int stride = shape.Stride, colWidth = shape.ColWidth;
        for (int oh = 0; oh < shape.ColHeight; oh++)
        {
            float* dst = row + oh * colWidth;
            int iy = oh * stride - shape.Padding + i;
            if (iy < 0 || iy >= shape.Height)
            {
                new Span<float>(dst, colWidth).Clear();
                continue;
            }
            float* src = image + iy * shape.Width - shape.Padding + j; // src[ow * stride] is pixel (iy, ix)
            new Span<float>(dst, lo).Clear();
            if (stride == 1)
                new ReadOnlySpan<float>(src + lo, hi - lo).CopyTo(new Span<float>(dst + lo, hi - lo));
            else
                for (int ow = lo; ow < hi; ow++) dst[ow] = src[ow * stride];
            new Span<float>(dst + hi, colWidth - hi).Clear();
        }
    }
}

/// <summary>
/// Items (sample, channel): images = 0, then images += every column-matrix entry at its pixel, in
/// (i, j, oh, ow) order.
/// </summary>
internal readonly unsafe struct Col2ImWork(float* cols, float* images, ColShape shape, long sampleStride,
    long rowStride) : IRangeWork
{
    public void Run(int begin, int end)
    {
        int plane = shape.Height * shape.Width, taps = shape.KernelHeight * shape.KernelWidth;
        for (int item = begin; item < end; item++)
        {
            int sample = item / shape.Channels, channel = item % shape.Channels;
            float* image = images + (long)sample * shape.ImageSize + (long)channel * plane;
            float* col = cols + sample * sampleStride + channel * taps * rowStride;
            new Span<float>(image, plane).Clear();
            for (int i = 0; i < shape.KernelHeight; i++)
                for (int j = 0; j < shape.KernelWidth; j++)
                    Tap(col + (i * shape.KernelWidth + j) * rowStride, image, i, j);
        }
    }

    private void Tap(float* row, float* image, int i, int j)
    {
        var (lo, hi) = shape.ValidColumns(j);
        int stride = shape.Stride, colWidth = shape.ColWidth;
        for (int oh = 0; oh < shape.ColHeight; oh++)
        {
            int iy = oh * stride - shape.Padding + i;
            if (iy < 0 || iy >= shape.Height) continue;
            float* src = row + oh * colWidth;
            float* dst = image + iy * shape.Width - shape.Padding + j;
            int ow = lo;
            if (stride == 1 && Vector256.IsHardwareAccelerated)
                for (; ow + 8 <= hi; ow += 8)
                    (Vector256.Load(dst + ow) + Vector256.Load(src + ow)).Store(dst + ow);
            for (; ow < hi; ow++) dst[ow * stride] += src[ow];
        }
    }
}

/// <summary>Items (sample, channel): each H x W plane copied into an (H + 2p) x (W + 2p) plane with a zero
/// border of width p.</summary>
internal readonly unsafe struct PadWork(float* images, float* padded, int height, int width, int padding)
    : IRangeWork
{
    public void Run(int begin, int end)
    {
        int wp = width + 2 * padding, hp = height + 2 * padding;
        for (int item = begin; item < end; item++)
        {
            float* src = images + (long)item * height * width;
            float* dst = padded + (long)item * hp * wp;
            new Span<float>(dst, padding * wp + padding).Clear();
            for (int y = 0; y < height; y++)
            {
                float* row = dst + (long)(y + padding) * wp + padding;
                new ReadOnlySpan<float>(src + y * width, width).CopyTo(new Span<float>(row, width));
                // The right border of this row and the left border of the next one.
                new Span<float>(row + width, 2 * padding).Clear();
            }
            new Span<float>(dst + (long)(height + padding) * wp + padding, padding * wp - padding).Clear();
        }
    }
}

/// <summary>Items (sample, channel): y[sample, channel, :] += bias[channel] over a plane.</summary>
internal readonly unsafe struct BiasAddWork(float* y, float* bias, int channels, int plane) : IRangeWork
{
    public void Run(int begin, int end)
    {
        for (int item = begin; item < end; item++)
        {
            float* row = y + (long)item * plane;
            float value = bias[item % channels];
            int p = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var add = Vector256.Create(value);
                for (; p + 8 <= plane; p += 8) (Vector256.Load(row + p) + add).Store(row + p);
            }
            for (; p < plane; p++) row[p] += value;
        }
    }
}

/// <summary>Items channel: dbias[channel] += the sum of dy[sample, channel, :], samples in order.</summary>
internal readonly unsafe struct BiasGradWork(float* dy, float* dbias, int batch, int channels, int plane)
    : IRangeWork
{
    public void Run(int begin, int end)
    {
        for (int channel = begin; channel < end; channel++)
        {
            float total = 0;
            for (int sample = 0; sample < batch; sample++)
                total += CpuReduce.Sum(dy + ((long)sample * channels + channel) * plane, plane);
            dbias[channel] += total;
        }
    }
}

/// <summary>Fixed-order sums for the CPU convolution and normalisation ops.</summary>
internal static unsafe class CpuReduce
{
    /// <summary>The sum of values[0..count): 8 lanes in a fixed order, then the lanes,
    /// then the tail.</summary>
    public static float Sum(float* values, int count)
    {
        int p = 0;
        float total = 0;
        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            var lanes = Vector256<float>.Zero;
            for (; p + 8 <= count; p += 8) lanes += Vector256.Load(values + p);
            total = Vector256.Sum(lanes);
        }
        for (; p < count; p++) total += values[p];
        return total;
    }
}

/// <summary>
/// Items (sample, channel): between a batch (samples, C, plane) and the side-by-side layout
/// (C, samples plane) the batched GEMMs use; toBatch also adds bias[channel] when bias is not null.
/// </summary>
internal readonly unsafe struct PlaneShuffleWork(float* batch, float* wide, float* bias, int channels,
    int plane, int samples, bool toBatch) : IRangeWork
{
    public void Run(int begin, int end)
    {
        for (int item = begin; item < end; item++)
        {
            int sample = item / channels, channel = item % channels;
            float* b = batch + (long)item * plane;
            float* w = wide + ((long)channel * samples + sample) * plane;
            if (!toBatch)
            {
                new ReadOnlySpan<float>(b, plane).CopyTo(new Span<float>(w, plane));
                continue;
            }
            float add = bias == null ? 0f : bias[channel];
            int p = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var v = Vector256.Create(add);
                for (; p + 8 <= plane; p += 8) (Vector256.Load(w + p) + v).Store(b + p);
            }
            for (; p < plane; p++) b[p] = w[p] + add;
        }
    }
}
