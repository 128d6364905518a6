// Plain convolutions (not transposed, not 1 x 1) on the CPU with one GEMM per chunk of samples instead
// of one per sample: the chunk's column matrices sit side by side, (C kh kw, samples HoWo), and y or dy
// is shuffled to and from the matching (Cout, samples HoWo) layout. Small images (7x7 to 16x16 outputs)
// give per-sample GEMMs of only 49-256 columns; side by side the GEMM sees thousands, and the weight
// gradient becomes one long-k GEMM per chunk. Chunks depend on sizes only, so results do not depend on
// the thread count.
namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Column-matrix rows (C kh kw) from which the side-by-side path pays: with fewer (one input channel)
    // the per-sample GEMMs are small enough to run unsplit, while the side-by-side weight gradient
    // becomes a thin GEMM of many k-slices, one barrier each (measured: 1->32 28x28 k4s2 took 142 ms
    // side by side against 13-49 ms per sample).
    private const int WideMinColRows = 128;

    // Plain convolutions with a real column matrix of enough rows take the side-by-side path.
    private static bool UsesWideGemm(in Conv2dGeometry g) =>
        !g.Transposed && !ConvShape(g).IsIdentity && ConvShape(g).ColRows >= WideMinColRows;

    // Samples per chunk: column matrices plus the (Cout, samples HoWo) block within the scratch budget.
    private int WideChunk(in ColShape shape, int outChannels, int batch, out float* cols, out float* wide)
    {
        long perSample = shape.ColSize + (long)outChannels * shape.ColCols;
        int chunk = (int)Math.Clamp(ScratchBudget / perSample, 1, batch);
        EnsureScratch(chunk * perSample);
        cols = scratch;
        wide = scratch + chunk * shape.ColSize;
        return chunk;
    }

    private void WideIm2Col(in ColShape shape, float* images, float* cols, int count) =>
        Dispatch(new Im2ColWork(images, cols, shape, shape.ColCols, (long)count * shape.ColCols),
            count * shape.Channels, 1, (long)shape.KernelHeight * shape.KernelWidth * shape.ColCols);

    private void Shuffle(float* batchLayout, float* wide, float* bias, int channels, int plane, int count,
        bool toBatch) =>
        Dispatch(new PlaneShuffleWork(batchLayout, wide, bias, channels, plane, count, toBatch),
            count * channels, 1, plane);

    // y (B, Cout, HoWo) = W (Cout, K) cols (K, chunk HoWo), shuffled back per sample, + bias.
    private void ConvForwardWide(in Conv2dGeometry g, int batch, float* x, float* w, float* bias, float* y)
    {
        var shape = ConvShape(g);
        int chunk = WideChunk(shape, g.OutChannels, batch, out float* cols, out float* wide);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            WideIm2Col(shape, x + (long)start * g.InSize, cols, count);
            gemm.Run(GemmLayout.NN, g.OutChannels, count * shape.ColCols, shape.ColRows, w, cols, wide, false,
                null, Activation.Identity);
            Shuffle(y + (long)start * g.OutSize, wide, bias, g.OutChannels, shape.ColCols, count, true);
        }
    }

    // dcols (K, chunk HoWo) = W^T (K, Cout) dy (Cout, chunk HoWo); dx = col2im(dcols).
    private void ConvBackwardInputWide(in Conv2dGeometry g, int batch, float* dy, float* w, float* dx)
    {
        var shape = ConvShape(g);
        int chunk = WideChunk(shape, g.OutChannels, batch, out float* cols, out float* wide);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            Shuffle(dy + (long)start * g.OutSize, wide, null, g.OutChannels, shape.ColCols, count, false);
            gemm.Run(GemmLayout.TN, shape.ColRows, count * shape.ColCols, g.OutChannels, w, wide, cols, false,
                null, Activation.Identity);
            Dispatch(new Col2ImWork(cols, dx + (long)start * g.InSize, shape, shape.ColCols,
                (long)count * shape.ColCols), count * shape.Channels, 1,
                (long)shape.KernelHeight * shape.KernelWidth * shape.ColCols);
        }
    }

    // dW (Cout, K) += dy (Cout, chunk HoWo) cols (K, chunk HoWo)^T, chunks in order.
    private void ConvBackwardWeightsWide(in Conv2dGeometry g, int batch, float* x, float* dy, float* dw)
    {
        var shape = ConvShape(g);
        int chunk = WideChunk(shape, g.OutChannels, batch, out float* cols, out float* wide);
        for (int start = 0; start < batch; start += chunk)
        {
            int count = Math.Min(chunk, batch - start);
            WideIm2Col(shape, x + (long)start * g.InSize, cols, count);
            Shuffle(dy + (long)start * g.OutSize, wide, null, g.OutChannels, shape.ColCols, count, false);
            gemm.Run(GemmLayout.NT, g.OutChannels, shape.ColRows, count * shape.ColCols, wide, cols, dw, true,
                null, Activation.Identity);
        }
    }
}
