// Data movement on the device: the batch gather from the uploaded byte dataset (scaled to [0, 1]),
// one-hot labels, and the strided column copy that concatenation and its backward use.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Gather and copy kernels.</summary>
internal static partial class DataKernels
{
    /// <summary>
    /// destination[b, p] = dataset[indices[b], p] / 255 over batch x imageSize elements, one per work-item.
    /// An index outside [0, images) (a caller bug) writes NaN so that it cannot go unnoticed.
    /// </summary>
    [Kernel]
    public static void GatherImages(KernelContext k, Buf<float> destination, Buf<byte> dataset,
        Buf<int> indices, int imageSize, int images, int batch)
    {
        int i = k.GlobalId(0);
        if (i < batch * imageSize)
        {
            int sample = i / imageSize;
            int pixel = i - sample * imageSize;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < images)
                value = (float)dataset[index * imageSize + pixel] * (1.0f / 255.0f);
            destination[i] = value;
        }
    }

    /// <summary>
    /// destination[b, c] = labels[indices[b]] == c ? 1 : 0 over batch x classes (NaN for a bad index).
    /// </summary>
    [Kernel]
    public static void GatherOneHot(KernelContext k, Buf<float> destination, Buf<byte> labels,
        Buf<int> indices, int labelCount, int batch, int classes)
    {
        int i = k.GlobalId(0);
        if (i < batch * classes)
        {
            int sample = i / classes;
            int cls = i - sample * classes;
            int index = indices[sample];
            float value = 0.0f / 0.0f;
            if (index >= 0 && index < labelCount) value = (int)labels[index] == cls ? 1.0f : 0.0f;
            destination[i] = value;
        }
    }

    /// <summary>
    /// dst[row, dstColOffset + col] = src[row, srcColOffset + col] over cols x rows work-items
    /// (x: col, y: row).
    /// </summary>
    [Kernel]
    public static void CopyColumns(KernelContext k, Buf<float> destination, Buf<float> source, int rows,
        int srcCols, int srcColOffset, int dstCols, int dstColOffset, int cols)
    {
        int col = k.GlobalId(0);
        int row = k.GlobalId(1);
        if (col < cols && row < rows)
            destination[row * dstCols + dstColOffset + col] = source[row * srcCols + srcColOffset + col];
    }
}
