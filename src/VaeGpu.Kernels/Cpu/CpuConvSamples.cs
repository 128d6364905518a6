// Per-sample convolution work split across the worker pool: the column matrix of one small image gives
// GEMMs (e.g. 32 x 196 x 16) too small for the packed GEMM to split, so instead each worker runs whole
// samples through a GEMM of its own on the calling worker alone, with its own column scratch. Outputs
// per sample do not depend on which worker ran them. The weight gradient is summed per fixed group of
// samples (groups depend on the batch only) into its own partial, and the partials are then added in
// group order, so results do not depend on the thread count either.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

/// <summary>What one <see cref="CpuConvSamples"/> dispatch computes for each sample.</summary>
internal enum ConvSampleMode
{
    /// <summary>out_s (rows, ColCols) = W (rows, ColRows) im2col(image_s).</summary>
    Columns,

    /// <summary>image_s = col2im(W^T (ColRows, depth) in_s (depth, ColCols)).</summary>
    Col2Im,

    /// <summary>partial_g (rows, ColRows) = the sum over group g's samples of
    /// left_s (rows, ColCols) im2col(image_s)^T.</summary>
    WeightGrad,
}

/// <summary>The reusable sample-parallel conv job of one <see cref="CpuAccelerator"/>;
/// not reentrant.</summary>
internal sealed unsafe class CpuConvSamples : CpuWork, IDisposable
{
    // Fixed groups of samples for the weight gradient: enough to keep 16 workers busy, few enough that
    // adding the partials costs little next to the GEMMs.
    internal const int WeightGroups = 16;

    private readonly CpuGemm[] gemms; // one per worker, run on that worker alone
    private readonly float*[] columns; // one column scratch per worker
    private long columnsLength;
    private float* partials;
    private long partialsLength;

    private ConvSampleMode mode;
    private ColShape shape;
    private int batch, rows, depth, groups;
    private float* w, images, other;
    private long imageSize, otherSize;

    public CpuConvSamples(CpuWorkerPool pool, CpuGemmKernel kernel)
    {
        gemms = new CpuGemm[pool.Size];
        columns = new float*[pool.Size];
        for (int i = 0; i < gemms.Length; i++) gemms[i] = new CpuGemm(pool, kernel);
    }

    /// <summary>Partials of the last <see cref="ConvSampleMode.WeightGrad"/> run, group after
    /// group.</summary>
    public float* Partials => partials;

    /// <summary>
    /// Sets up one dispatch: <paramref name="images"/> are the im2col/col2im side ((batch, image size)),
    /// <paramref name="other"/> the GEMM side (outputs for Columns, inputs for Col2Im, left factors
    /// for WeightGrad); returns the number of weight groups (0 for the other modes).
    /// </summary>
    public int Set(ConvSampleMode mode, in ColShape shape, int batch, float* w, int rows, int depth,
        float* images, long imageSize, float* other, long otherSize)
    {
        this.mode = mode;
        this.shape = shape;
        this.batch = batch;
        this.w = w;
        this.rows = rows;
        this.depth = depth;
        this.images = images;
        this.imageSize = imageSize;
        this.other = other;
        this.otherSize = otherSize;
        groups = mode == ConvSampleMode.WeightGrad ? Math.Min(batch, WeightGroups) : 0;
        if (!shape.IsIdentity) EnsureColumns(shape.ColSize);
        if (groups > 0) EnsurePartials(groups * (long)rows * shape.ColRows);
        return groups;
    }

    /// <inheritdoc/>
    public override void Execute(int worker, int workers)
    {
        if (mode == ConvSampleMode.WeightGrad)
        {
            for (int g = groups * worker / workers; g < groups * (worker + 1) / workers; g++)
                Group(worker, g);
            return;
        }
        for (int s = (int)((long)batch * worker / workers); s < (long)batch * (worker + 1) / workers; s++)
        {
            float* image = images + s * imageSize, cols = ColumnsOf(worker, image);
            if (mode == ConvSampleMode.Columns)
            {
                ToColumns(image, cols);
                gemms[worker].RunAlone(GemmLayout.NN, rows, shape.ColCols, shape.ColRows, w, cols,
                    other + s * otherSize, false);
            }
            else
            {
                gemms[worker].RunAlone(GemmLayout.TN, shape.ColRows, shape.ColCols, depth, w,
                    other + s * otherSize, cols, false);
                if (!shape.IsIdentity) new Col2ImWork(cols, image, shape, shape.ColSize, shape.ColCols).Run(
                    0, shape.Channels);
            }
        }
    }

    // partial_g = sum of left_s col_s^T over the group's samples, in sample order.
    private void Group(int worker, int g)
    {
        long size = (long)rows * shape.ColRows;
        float* partial = partials + g * size;
        int first = (int)((long)batch * g / groups), end = (int)((long)batch * (g + 1) / groups);
        for (int s = first; s < end; s++)
        {
            float* image = images + s * imageSize, cols = ColumnsOf(worker, image);
            ToColumns(image, cols);
            gemms[worker].RunAlone(GemmLayout.NT, rows, shape.ColRows, shape.ColCols, other + s * otherSize,
                cols, partial, s > first);
        }
    }

    private float* ColumnsOf(int worker, float* image) => shape.IsIdentity ? image : columns[worker];

    private void ToColumns(float* image, float* cols)
    {
        if (!shape.IsIdentity) new Im2ColWork(image, cols, shape, shape.ColSize, shape.ColCols).Run(
            0, shape.Channels);
    }

    private void EnsureColumns(long floats)
    {
        if (floats <= columnsLength) return;
        for (int i = 0; i < columns.Length; i++)
        {
            NativeMemory.AlignedFree(columns[i]);
            columns[i] = null;
            columns[i] = (float*)NativeMemory.AlignedAlloc(
                (nuint)(floats * sizeof(float)), 64);
        }
        columnsLength = floats;
    }

    private void EnsurePartials(long floats)
    {
        if (floats <= partialsLength) return;
        NativeMemory.AlignedFree(partials);
        partials = null;
        partials = (float*)NativeMemory.AlignedAlloc(
            (nuint)(floats * sizeof(float)), 64);
        partialsLength = floats;
    }

    /// <summary>Frees the scratch and the workers' GEMM packs.</summary>
    public void Dispose()
    {
        for (int i = 0; i < gemms.Length; i++)
        {
            gemms[i].Dispose();
            NativeMemory.AlignedFree(columns[i]);
            columns[i] = null;
        }
        NativeMemory.AlignedFree(partials);
        partials = null;
        columnsLength = partialsLength = 0;
    }
}

/// <summary>Items i of a weight: dw[i] += partial_0[i] + partial_1[i] + ..., groups in order.</summary>
internal readonly unsafe struct AddPartialsWork(float* dw, float* partials, int groups, long size)
    : IRangeWork
{
    public void Run(int begin, int end)
    {
        for (int i = begin; i < end; i++)
        {
            float total = 0;
            for (int g = 0; g < groups; g++) total += partials[g * size + i];
            dw[i] += total;
        }
    }
}
