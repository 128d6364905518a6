// Convolutions on the CPU backend: im2col/col2im (CpuIm2Col.cs) around the packed GEMM, one sample's
// GEMM at a time in sample order, so results do not depend on the thread count. The column matrices
// of a chunk of samples live in one scratch block that grows to the largest chunk once and is then
// reused (no allocation per step). A 1 x 1, stride-1, unpadded kernel skips im2col: the image is its
// own column matrix.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Floats of column matrices per chunk: 8 MiB, so a chunk's im2col and GEMMs stay near L3.
    private const long ScratchBudget = 2L << 20;

    private float* scratch;
    private long scratchLength;

    /// <inheritdoc/>
    protected override void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        var g = geometry;
        float* px = Ptr(x), pw = Ptr(weight), py = Ptr(y);
        if (UsesWideGemm(g))
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
        if (UsesWideGemm(g))
        {
            ConvBackwardInputWide(g, batch, pdy, pw, pdx);
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
        bool wide = UsesWideGemm(g);
        if (wide) ConvBackwardWeightsWide(g, batch, px, pdy, pdw);
        var shape = g.Transposed ? TransposedShape(g) : ConvShape(g);
        float* image = g.Transposed ? pdy : px;
        int imageSize = g.Transposed ? g.OutSize : g.InSize;
        int rows = g.Transposed ? g.InChannels : g.OutChannels;
        int chunk = wide ? batch : ChunkOf(shape, batch);
        for (int start = wide ? batch : 0; start < batch; start += chunk) // the wide path did the weights
        {
            int count = Math.Min(chunk, batch - start);
            float* cols = scratch;
            Im2Col(shape, image + (long)start * imageSize, cols, count);
            for (int s = 0; s < count; s++)
            {
                float* left = g.Transposed ? px + (long)(start + s) * g.InSize
                    : pdy + (long)(start + s) * g.OutSize;
                gemm.Run(GemmLayout.NT, rows, shape.ColRows, shape.ColCols, left,
                    ColOf(shape, cols, image + (long)(start + s) * imageSize, s), pdw, true, null,
                    Activation.Identity);
            }
        }
        if (!dbias.IsEmpty)
        {
            int plane = g.OutHeight * g.OutWidth;
            Dispatch(new BiasGradWork(pdy, Ptr(dbias), batch, g.OutChannels, plane), g.OutChannels, 1,
                (long)batch * plane);
        }
    }

    // out_s (rows, ColCols) = W (rows, ColRows) col(image_s), sample by sample in chunks: a conv's forward
    // and a transposed conv's input gradient.
    private void ColumnsGemm(in ColShape shape, int batch, float* w, int rows, float* images, long imageSize,
        float* outputs, long outputSize)
    {
        int chunk = ChunkOf(shape, batch);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            float* cols = scratch;
            Im2Col(shape, images + start * imageSize, cols, count);
            for (int s = 0; s < count; s++)
                gemm.Run(GemmLayout.NN, rows, shape.ColCols, shape.ColRows, w,
                    ColOf(shape, cols, images + (start + s) * imageSize, s),
                    outputs + (start + s) * outputSize, false, null, Activation.Identity);
        }
    }

    // image_s = col2im(W^T (ColRows, depth) in_s (depth, ColCols)), sample by sample in chunks: a transposed
    // conv's forward and a conv's input gradient.
    private void GemmCol2Im(in ColShape shape, int batch, float* w, int depth, float* inputs, long inputSize,
        float* images, long imageSize)
    {
        int chunk = ChunkOf(shape, batch);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            float* cols = scratch;
            for (int s = 0; s < count; s++)
                gemm.Run(GemmLayout.TN, shape.ColRows, shape.ColCols, depth, w,
                    inputs + (start + s) * inputSize, ColOf(shape, cols, images + (start + s) * imageSize, s),
                    false, null, Activation.Identity);
            Col2Im(shape, cols, images + start * imageSize, count);
        }
    }

    // A conv's column matrix comes from its input image, sampled at the output positions.
    private static ColShape ConvShape(in Conv2dGeometry g) => new(g.InChannels, g.InHeight, g.InWidth,
        g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.OutHeight, g.OutWidth);

    // A transposed conv's column matrix belongs to its output image, sampled at the input positions.
    private static ColShape TransposedShape(in Conv2dGeometry g) => new(g.OutChannels, g.OutHeight,
        g.OutWidth, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.InHeight, g.InWidth);

    // Sample s's column matrix: the image itself for an identity shape, else its slot in the chunk.
    private static float* ColOf(in ColShape shape, float* cols, float* image, int s) =>
        shape.IsIdentity ? image : cols + s * shape.ColSize;

    private void Im2Col(in ColShape shape, float* images, float* cols, int count)
    {
        if (shape.IsIdentity) return;
        Dispatch(new Im2ColWork(images, cols, shape, shape.ColSize, shape.ColCols), count * shape.Channels, 1,
            (long)shape.KernelHeight * shape.KernelWidth * shape.ColCols);
    }

    private void Col2Im(in ColShape shape, float* cols, float* images, int count)
    {
        if (shape.IsIdentity) return;
        Dispatch(new Col2ImWork(cols, images, shape, shape.ColSize, shape.ColCols), count * shape.Channels, 1,
            (long)shape.KernelHeight * shape.KernelWidth * shape.ColCols);
    }

    // Samples per chunk whose column matrices fit the scratch budget (at least one); the scratch grows
    // once to the largest chunk seen. An identity shape needs no scratch.
    private int ChunkOf(in ColShape shape, int batch)
    {
        if (shape.IsIdentity) return batch;
        int chunk = (int)Math.Clamp(ScratchBudget / shape.ColSize, 1, batch);
        EnsureScratch(chunk * shape.ColSize);
        return chunk;
    }

    private void EnsureScratch(long floats)
    {
        if (floats <= scratchLength) return;
        NativeMemory.AlignedFree(scratch);
        scratch = null;
        scratch = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
        scratchLength = floats;
    }

    private void FreeScratch()
    {
        NativeMemory.AlignedFree(scratch);
        scratch = null;
        scratchLength = 0;
    }
}
