// Convolutions on the CPU backend: im2col/col2im (CpuIm2Col.cs) around the packed GEMM. Convs with a deep
// column matrix put a chunk of samples side by side in one GEMM (CpuAccelerator.ConvWide.cs; a transposed
// conv as its mirror conv); the rest split the samples across the workers, one GEMM per sample on each
// (CpuConvSamples.cs). Either way results do not depend on the thread count, and scratch grows once and
// is then reused (no allocation per step). A 1 x 1, stride-1, unpadded kernel skips im2col: the image is
// its own column matrix.
namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Floats per chunk of a side-by-side pass (padded images and the (Cout, samples HoWo) block): 8 MiB,
    // so a chunk's GEMM works near L3.
    private const long ScratchBudget = 2L << 20;

    private float* scratch;
    private long scratchLength;
    private int* offsets;
    private long offsetsLength;

    /// <inheritdoc/>
    protected override void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        var g = geometry;
        float* px = Ptr(x), pw = Ptr(weight), py = Ptr(y);
        if (UsesWideGemm(g) && !g.Transposed)
        {
            ConvForwardWide(g, batch, px, pw, bias.IsEmpty ? null : Ptr(bias), py);
            return;
        }
        // Conv: y_s (Cout, HoWo) = W (Cout, Cin kh kw) col(x_s).
        // Transposed: col_s (Cout kh kw, HW) = W^T x_s (Cin, HW); y_s = col2im(col_s).
        if (!g.Transposed) ColumnsGemm(ConvShape(g), batch, pw, g.OutChannels, px, g.InSize, py, g.OutSize);
        else GemmCol2Im(TransposedShape(g), batch, pw, g.InChannels, px, g.InSize, py, g.OutSize);
        if (!bias.IsEmpty)
        {
            int plane = g.OutHeight * g.OutWidth;
            Dispatch(new BiasAddWork(py, Ptr(bias), g.OutChannels, plane), batch * g.OutChannels, 1, plane);
        }
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardInputCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> dy, BufferView<float> weight, BufferView<float> dx)
    {
        var g = geometry;
        float* pdy = Ptr(dy), pw = Ptr(weight), pdx = Ptr(dx);
        if (UsesWideGemm(g) && g.Transposed)
        {
            ConvForwardWide(Mirror(g), batch, pdy, pw, null, pdx);
            return;
        }
        // Conv: dcol_s (Cin kh kw, HoWo) = W^T dy_s; dx_s = col2im(dcol_s).
        // Transposed: dx_s (Cin, HW) = W (Cin, Cout kh kw) col(dy_s).
        if (!g.Transposed) GemmCol2Im(ConvShape(g), batch, pw, g.OutChannels, pdy, g.OutSize, pdx, g.InSize);
        else ColumnsGemm(TransposedShape(g), batch, pw, g.InChannels, pdy, g.OutSize, pdx, g.InSize);
    }

    /// <inheritdoc/>
    protected override void Conv2dBackwardWeightsCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> x, BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias)
    {
        var g = geometry;
        float* px = Ptr(x), pdy = Ptr(dy), pdw = Ptr(dweight);
        // Conv: dW (Cout, Cin kh kw) += dy_s (Cout, HoWo) col(x_s)^T.
        // Transposed: dW (Cin, Cout kh kw) += x_s (Cin, HW) col(dy_s)^T.
        if (UsesWideGemm(g))
        {
            if (!g.Transposed) ConvBackwardWeightsWide(g, batch, px, pdy, pdw);
            else ConvBackwardWeightsWide(Mirror(g), batch, pdy, px, pdw);
        }
        else
        {
            var shape = g.Transposed ? TransposedShape(g) : ConvShape(g);
            int rows = g.Transposed ? g.InChannels : g.OutChannels;
            // im2col of the image side, times the other side (dy for a conv, x for a transposed conv).
            float* image = g.Transposed ? pdy : px, left = g.Transposed ? px : pdy;
            int imageSize = g.Transposed ? g.OutSize : g.InSize;
            int leftSize = g.Transposed ? g.InSize : g.OutSize;
            int groups = samples.Set(ConvSampleMode.WeightGrad, shape, batch, null, rows, 0, image, imageSize,
                left, leftSize);
            pool.Run(samples, Threads);
            long size = (long)rows * shape.ColRows;
            Dispatch(new AddPartialsWork(pdw, samples.Partials, groups, size), (int)size, 8, groups);
        }
        if (!dbias.IsEmpty)
        {
            int plane = g.OutHeight * g.OutWidth;
            Dispatch(new BiasGradWork(pdy, Ptr(dbias), batch, g.OutChannels, plane), g.OutChannels, 1,
                (long)batch * plane);
        }
    }

    // out_s (rows, ColCols) = W (rows, ColRows) col(image_s), samples split across the workers: a conv's
    // forward and a transposed conv's input gradient.
    private void ColumnsGemm(in ColShape shape, int batch, float* w, int rows, float* images, long imageSize,
        float* outputs, long outputSize)
    {
        samples.Set(ConvSampleMode.Columns, shape, batch, w, rows, 0, images, imageSize, outputs, outputSize);
        pool.Run(samples, Threads);
    }

    // image_s = col2im(W^T (ColRows, depth) in_s (depth, ColCols)), samples split across the workers: a
    // transposed conv's forward and a conv's input gradient.
    private void GemmCol2Im(in ColShape shape, int batch, float* w, int depth, float* inputs, long inputSize,
        float* images, long imageSize)
    {
        samples.Set(ConvSampleMode.Col2Im, shape, batch, w, 0, depth, images, imageSize, inputs, inputSize);
        pool.Run(samples, Threads);
    }

    // A conv's column matrix comes from its input image, sampled at the output positions.
    private static ColShape ConvShape(in Conv2dGeometry g) => new(g.InChannels, g.InHeight, g.InWidth,
        g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.OutHeight, g.OutWidth);

    // A transposed conv's column matrix belongs to its output image, sampled at the input positions.
    private static ColShape TransposedShape(in Conv2dGeometry g) => new(g.OutChannels, g.OutHeight,
        g.OutWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.InHeight, g.InWidth);

    private void FreeScratch()
    {
        CpuScratch.Free(ref scratch, ref scratchLength);
        CpuScratch.Free(ref offsets, ref offsetsLength);
    }
}
