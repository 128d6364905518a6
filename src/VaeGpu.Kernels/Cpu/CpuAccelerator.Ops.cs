// GEMM, column sums, activations and data movement on the CPU backend. Each range-parallel op is a
// struct of its typed arguments whose Run handles [begin, end) (see CpuRangeWork.cs); Dispatch runs
// it on the worker pool, or on the calling thread alone when the op is too small for a dispatch to pay.
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Work (items x weight) below which an op runs on the calling thread only.
    private const long ParallelWork = 1L << 16;

    /// <summary>Runs <paramref name="work"/> over [0, count) in chunks of multiples of
    /// <paramref name="align"/>; <paramref name="weight"/> is the rough cost of one item.</summary>
    private void Dispatch<TWork>(TWork work, int count, int align, long weight)
        where TWork : unmanaged, IRangeWork
    {
        int workers = (long)count * weight < ParallelWork ? 1 : Threads;
        pool.Run(ref work, count, align, workers);
    }

    /// <inheritdoc/>
    protected override void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias,
        Activation activation)
    {
        float* pbias = bias.IsEmpty ? null : Ptr(bias);
        if (TryThinGemm(layout, m, n, k, Ptr(a), Ptr(b), Ptr(c), accumulate, pbias, activation)) return;
        gemm.Run(layout, m, n, k, Ptr(a), Ptr(b), Ptr(c), accumulate, pbias, activation);
    }

    /// <inheritdoc/>
    protected override void GemmPairCore(GemmLayout layout1, int m1, int n1, int k1, BufferView<float> a1,
        BufferView<float> b1, BufferView<float> c1, bool accumulate1, GemmLayout layout2, int m2, int n2,
        int k2, BufferView<float> a2, BufferView<float> b2, BufferView<float> c2, bool accumulate2)
    {
        // Side by side only when both are worth the pool and neither is a thin product.
        if (Threads < 2 || !SharesPool(m1, n1, k1) || !SharesPool(m2, n2, k2))
        {
            base.GemmPairCore(layout1, m1, n1, k1, a1, b1, c1, accumulate1, layout2, m2, n2, k2, a2, b2, c2,
                accumulate2);
            return;
        }
        pair.Run(layout1, m1, n1, k1, Ptr(a1), Ptr(b1), Ptr(c1), accumulate1,
            layout2, m2, n2, k2, Ptr(a2), Ptr(b2), Ptr(c2), accumulate2);
    }

    private bool SharesPool(int m, int n, int k) =>
        (long)m * n * k >= CpuGemm.ParallelMacs && !IsThin(m, n, k);

    /// <inheritdoc/>
    protected override void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums,
        bool accumulate)
    {
        Dispatch(new ColumnSumWork(Ptr(x), Ptr(sums), rows, cols, accumulate), cols, 64, rows);
    }

    // Columns [begin, end): sums[col] = (accumulate ? sums[col] : 0) + x[0, col] + x[1, col] + ...,
    // in row order. x: (rows, cols), sums: (cols).
    private readonly struct ColumnSumWork(float* x, float* sums, int rows, int cols, bool accumulate)
        : IRangeWork
    {
        public void Run(int begin, int end)
        {
            if (!accumulate) new Span<float>(sums + begin, end - begin).Clear();
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
    }

    /// <inheritdoc/>
    protected override void ActivationForwardCore(Activation activation, BufferView<float> x,
        BufferView<float> y, int n)
    {
        Dispatch(new ActivationForwardWork(activation, Ptr(x), Ptr(y)), n, 64,
            activation is Activation.Sigmoid or Activation.Tanh ? 8 : 1);
    }

    // y = act(x), element-wise over (n).
    private readonly struct ActivationForwardWork(Activation activation, float* x, float* y) : IRangeWork
    {
        public void Run(int begin, int end) =>
            CpuMath.Activate(activation, x + begin, y + begin, end - begin);
    }

    /// <inheritdoc/>
    protected override void ActivationBackwardCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int n)
    {
        Dispatch(new ActivationBackwardWork(activation, Ptr(y), Ptr(dy), Ptr(dx)), n, 64, 1);
    }

    // dx = dy * act'(from y), element-wise over (n).
    private readonly struct ActivationBackwardWork(Activation activation, float* y, float* dy, float* dx)
        : IRangeWork
    {
        public void Run(int begin, int end) =>
            CpuMath.Derivative(activation, y + begin, dy + begin, dx + begin, end - begin);
    }

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
        Dispatch(new GatherImagesWork(Ptr(dataset), pi, Ptr(destination), imageSize), batch, 1, imageSize);
    }

    // Samples [begin, end): widen bytes to int, convert to float (exact) and scale by 1/255.
    // dataset: (images, imageSize) bytes, indices: (batch), destination: (batch, imageSize).
    private readonly struct GatherImagesWork(byte* dataset, int* indices, float* destination, int imageSize)
        : IRangeWork
    {
        public void Run(int begin, int end)
        {
            var scale = Vector256.Create(1f / 255f);
            for (int sample = begin; sample < end; sample++)
            {
                byte* src = dataset + (long)indices[sample] * imageSize;
                float* dst = destination + (long)sample * imageSize;
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
        Dispatch(new CopyColumnsWork(Ptr(source) + srcColOffset, srcCols, Ptr(destination) + dstColOffset,
            dstCols, cols), rows, 1, cols);
    }

    // Rows [begin, end): cols values from each source row (stride srcCols) to each destination row.
    private readonly struct CopyColumnsWork(float* source, int srcCols, float* destination, int dstCols,
        int cols) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int row = begin; row < end; row++)
            {
                var from = new ReadOnlySpan<float>(source + (long)row * srcCols, cols);
                from.CopyTo(new Span<float>(destination + (long)row * dstCols, cols));
            }
        }
    }
}
