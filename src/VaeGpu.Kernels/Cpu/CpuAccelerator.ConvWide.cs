// Convolutions (plain or transposed, not 1 x 1) on the CPU with one GEMM per chunk of samples instead
// of one per sample: the chunk's column matrices sit side by side, (C kh kw, samples HoWo), and y or dy
// is shuffled to and from the matching (Cout, samples HoWo) layout. Small images (7x7 to 16x16 outputs)
// give per-sample GEMMs of only 49-256 columns; side by side the GEMM sees thousands, and the weight
// gradient becomes one long-k GEMM per chunk. Neither writes the column matrix: the GEMM gathers it from
// zero-padded images (CpuGemm.Gathered.cs). The input gradient (col2im) runs on the workers' runs of
// samples instead (CpuConvSamples.cs). Chunks depend on sizes only, so results do not depend on the
// thread count.
namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Column-matrix rows (C kh kw) from which the side-by-side path pays: with fewer (one input channel)
    // the per-sample GEMMs are small enough to run unsplit, while the side-by-side weight gradient
    // becomes a thin GEMM of many k-slices, one pipelined step each (measured when each step still ended
    // in a barrier: 1->32 28x28 k4s2 took 142 ms side by side against 13-49 ms per sample).
    private const int WideMinColRows = 128;

    // Convolutions with a real column matrix of enough rows take the side-by-side path; a transposed
    // conv as its mirror (the plain conv from its output back to its input, same weight layout), whose
    // input gradient is its forward and the other way round.
    private static bool UsesWideGemm(in Conv2dGeometry g)
    {
        var shape = g.Transposed ? TransposedShape(g) : ConvShape(g);
        return !shape.IsIdentity && shape.ColRows >= WideMinColRows;
    }

    private static Conv2dGeometry Mirror(in Conv2dGeometry g) => new(g.OutChannels, g.OutHeight, g.OutWidth,
        g.InChannels, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding);

    private void Shuffle(float* batchLayout, float* wide, float* bias, int channels, int plane, int count,
        bool toBatch) =>
        Dispatch(new PlaneShuffleWork(batchLayout, wide, bias, channels, plane, count, toBatch),
            count * channels, 1, plane);

    // y (B, Cout, HoWo) = W (Cout, K) cols (K, chunk HoWo), shuffled back per sample, + bias; the column
    // matrix is gathered from the padded images inside the GEMM.
    private void ConvForwardWide(in Conv2dGeometry g, int batch, float* x, float* w, float* bias, float* y)
    {
        var shape = ConvShape(g);
        int chunk = GatherChunk(shape, g.OutChannels, batch, out float* padded, out float* wide,
            out int* rows, out int* cols);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            float* source = Pad(shape, x + (long)start * g.InSize, padded, count);
            gemm.RunGathered(GemmLayout.NN, g.OutChannels, count * shape.ColCols, shape.ColRows, w, source,
                rows, cols, wide, false);
            Shuffle(y + (long)start * g.OutSize, wide, bias, g.OutChannels, shape.ColCols, count, true);
        }
    }

    // dW (Cout, K) += dy (Cout, chunk HoWo) cols (K, chunk HoWo)^T, chunks in order; the column matrix is
    // gathered from the padded images inside the GEMM.
    private void ConvBackwardWeightsWide(in Conv2dGeometry g, int batch, float* x, float* dy, float* dw)
    {
        var shape = ConvShape(g);
        int chunk = GatherChunk(shape, g.OutChannels, batch, out float* padded, out float* wide,
            out int* rows, out int* cols);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            float* source = Pad(shape, x + (long)start * g.InSize, padded, count);
            Shuffle(dy + (long)start * g.OutSize, wide, null, g.OutChannels, shape.ColCols, count, false);
            gemm.RunGathered(GemmLayout.NT, g.OutChannels, shape.ColRows, count * shape.ColCols, wide, source,
                rows, cols, dw, true);
        }
    }

    // Samples per chunk of a gathered pass: padded images plus the (Cout, samples HoWo) block within the
    // scratch budget; fills the gather offsets of a full chunk's column matrix: row (c, i, j) at
    // c Hp Wp + i Wp + j, column (s, oh, ow) at s C Hp Wp + oh S Wp + ow S, Hp and Wp the padded sizes.
    private int GatherChunk(in ColShape shape, int outChannels, int batch, out float* padded, out float* wide,
        out int* rows, out int* cols)
    {
        int hp = shape.Height + 2 * shape.Padding, wp = shape.Width + 2 * shape.Padding;
        long paddedSize = (long)shape.Channels * hp * wp;
        long perSample = paddedSize + (long)outChannels * shape.ColCols;
        int chunk = (int)Math.Clamp(ScratchBudget / perSample, 1, batch);
        CpuScratch.Ensure(ref scratch, ref scratchLength, chunk * perSample);
        padded = scratch;
        wide = scratch + chunk * paddedSize;
        CpuScratch.Ensure(ref offsets, ref offsetsLength, shape.ColRows + (long)chunk * shape.ColCols);
        rows = offsets;
        cols = offsets + shape.ColRows;
        int r = 0;
        for (int c = 0; c < shape.Channels; c++)
            for (int i = 0; i < shape.KernelHeight; i++)
                for (int j = 0; j < shape.KernelWidth; j++)
                    rows[r++] = (int)(c * (long)hp * wp + i * wp + j);
        int q = 0;
        for (int sample = 0; sample < chunk; sample++)
            for (int oh = 0; oh < shape.ColHeight; oh++)
                for (int ow = 0; ow < shape.ColWidth; ow++)
                    cols[q++] = (int)(sample * paddedSize + (long)oh * shape.Stride * wp + ow * shape.Stride);
        return chunk;
    }

    // The chunk's images with a zero border of the padding's width (the images themselves without one).
    private float* Pad(in ColShape shape, float* images, float* padded, int count)
    {
        if (shape.Padding == 0) return images;
        Dispatch(new PadWork(images, padded, shape.Height, shape.Width, shape.Padding),
            count * shape.Channels, 1, (long)shape.Height * shape.Width);
        return padded;
    }
}
