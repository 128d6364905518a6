// GEMM, column sums, activations and data movement on the CPU backend. Each op fills the shared
// range descriptor and runs a static body over [begin, end) on the worker pool, or on the calling
// thread alone when the op is too small for a dispatch to pay.
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

public sealed unsafe partial class CpuAccelerator
{
    // Work (items x weight) below which an op runs on the calling thread only.
    private const long ParallelWork = 1L << 16;

    /// <summary>Runs <paramref name="body"/> over [0, count) in chunks of multiples of
    /// <paramref name="align"/>.</summary>
    private void Dispatch(delegate*<CpuRangeWork, int, int, void> body, int count, int align, long weight)
    {
        range.Body = body;
        range.Count = count;
        range.Align = align;
        int workers = (long)count * weight < ParallelWork ? 1 : Threads;
        try
        {
            pool.Run(range, workers);
        }
        finally
        {
            range.Clear();
        }
    }

    /// <inheritdoc/>
    protected override void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias,
        Activation activation)
    {
        float* pbias = bias.IsEmpty ? null : Ptr(bias);
        gemm.Run(layout, m, n, k, Ptr(a), Ptr(b), Ptr(c), accumulate, pbias, activation);
    }

    /// <inheritdoc/>
    protected override void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums,
        bool accumulate)
    {
        range.F0 = Ptr(x); range.F1 = Ptr(sums); range.I0 = rows; range.I1 = cols;
        range.I2 = accumulate ? 1 : 0;
        Dispatch(&ColumnSumRange, cols, 64, rows);
    }

    // Columns [begin, end): sums[col] = (accumulate ? sums[col] : 0) + x[0, col] + x[1, col] + ...,
    // in row order.
    private static void ColumnSumRange(CpuRangeWork w, int begin, int end)
    {
        float* x = w.F0, sums = w.F1;
        int rows = w.I0, cols = w.I1;
        if (w.I2 == 0) new Span<float>(sums + begin, end - begin).Clear();
        for (int row = 0; row < rows; row++)
        {
            float* xr = x + (long)row * cols;
            int col = begin;
            if (Vector256.IsHardwareAccelerated)
                for (; col + 8 <= end; col += 8)
                    (Vector256.Load(sums + col) + Vector256.Load(xr + col)).Store(sums + col);
            for (; col < end; col++) sums[col] += xr[col];
        }
    }

    /// <inheritdoc/>
    protected override void ActivationForwardCore(Activation activation, BufferView<float> x,
        BufferView<float> y, int n)
    {
        range.F0 = Ptr(x); range.F1 = Ptr(y); range.Act = activation;
        Dispatch(&ActivationForwardRange, n, 64, activation is Activation.Sigmoid or Activation.Tanh ? 8 : 1);
    }

    private static void ActivationForwardRange(CpuRangeWork w, int begin, int end) =>
        CpuMath.Activate(w.Act, w.F0 + begin, w.F1 + begin, end - begin);

    /// <inheritdoc/>
    protected override void ActivationBackwardCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int n)
    {
        range.F0 = Ptr(y); range.F1 = Ptr(dy); range.F2 = Ptr(dx); range.Act = activation;
        Dispatch(&ActivationBackwardRange, n, 64, 1);
    }

    private static void ActivationBackwardRange(CpuRangeWork w, int begin, int end) =>
        CpuMath.Derivative(w.Act, w.F0 + begin, w.F1 + begin, w.F2 + begin, end - begin);

    /// <inheritdoc/>
    protected override void GatherImagesCore(BufferView<byte> dataset, int imageSize,
        BufferView<int> indices, int batch, BufferView<float> destination)
    {
        int* pi = Ptr(indices);
        long images = dataset.Length / imageSize;
        for (int sample = 0; sample < batch; sample++)
            if ((uint)pi[sample] >= images)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"index {pi[sample]} at {sample} outside [0, {images})");
        range.Bytes = Ptr(dataset); range.Ints = pi; range.F0 = Ptr(destination); range.I0 = imageSize;
        Dispatch(&GatherImagesRange, batch, 1, imageSize);
    }

    // Samples [begin, end): widen bytes to int, convert to float (exact) and scale by 1/255.
    private static void GatherImagesRange(CpuRangeWork w, int begin, int end)
    {
        int imageSize = w.I0;
        var scale = Vector256.Create(1f / 255f);
        for (int sample = begin; sample < end; sample++)
        {
            byte* src = w.Bytes + (long)w.Ints[sample] * imageSize;
            float* dst = w.F0 + (long)sample * imageSize;
            int p = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; p + 16 <= imageSize; p += 16)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.Load(src + p));
                    var (i0, i1) = Vector256.Widen(Vector256.Create(lo, hi).AsUInt16());
                    (Vector256.ConvertToSingle(i0.AsInt32()) * scale).Store(dst + p);
                    (Vector256.ConvertToSingle(i1.AsInt32()) * scale).Store(dst + p + 8);
                }
            }
            for (; p < imageSize; p++) dst[p] = src[p] * (1f / 255f);
        }
    }

    /// <inheritdoc/>
    protected override void GatherOneHotCore(BufferView<byte> labels, BufferView<int> indices, int batch,
        int classes, BufferView<float> destination)
    {
        byte* pl = Ptr(labels);
        int* pi = Ptr(indices);
        float* po = Ptr(destination);
        for (int sample = 0; sample < batch; sample++)
        {
            int index = pi[sample];
            if ((uint)index >= labels.Length)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"index {index} at {sample} outside [0, {labels.Length})");
            float* row = po + (long)sample * classes;
            new Span<float>(row, classes).Clear();
            if (pl[index] < classes) row[pl[index]] = 1f;
        }
    }

    /// <inheritdoc/>
    protected override void CopyColumnsCore(BufferView<float> source, int rows, int srcCols, int srcColOffset,
        BufferView<float> destination, int dstCols, int dstColOffset, int cols)
    {
        range.F0 = Ptr(source) + srcColOffset; range.F1 = Ptr(destination) + dstColOffset;
        range.I0 = srcCols; range.I1 = dstCols; range.I2 = cols;
        Dispatch(&CopyColumnsRange, rows, 1, cols);
    }

    private static void CopyColumnsRange(CpuRangeWork w, int begin, int end)
    {
        for (int row = begin; row < end; row++)
        {
            var source = new ReadOnlySpan<float>(w.F0 + (long)row * w.I0, w.I2);
            source.CopyTo(new Span<float>(w.F1 + (long)row * w.I1, w.I2));
        }
    }
}
