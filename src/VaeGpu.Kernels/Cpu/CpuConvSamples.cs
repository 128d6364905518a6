// Per-sample convolution work split across the worker pool: the column matrix of one small image gives
// GEMMs (e.g. 32 x 196 x 16) too small for the packed GEMM to split, so instead each worker runs whole
// samples through a GEMM of its own on the calling worker alone, with its own column scratch. Outputs
// per sample do not depend on which worker ran them. The weight gradient is summed per fixed group of
// samples (groups depend on the batch only) into its own partial, and the partials are then added in
// group order, so results do not depend on the thread count either. Col2Im takes a run of samples at a
// time: their inputs side by side are gathered inside the GEMM (no shuffle), and the run's column
// matrix (at most ColumnsBudget floats) stays in the worker's L2 until col2im folds it back.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

/// <summary>What one <see cref="CpuConvSamples"/> dispatch computes for each sample.</summary>
internal enum ConvSampleMode
{
    /// <summary>out_s (rows, ColCols) = W (rows, ColRows) im2col(image_s).</summary>
    Columns,

    /// <summary>image_s = col2im(W^T (ColRows, depth) in_s (depth, ColCols)), a run of samples
    /// side by side per GEMM.</summary>
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

    // Floats of one worker's column matrix for a Col2Im run (768 KiB: most of a 1 MiB L2).
    internal const long ColumnsBudget = 3L << 16;

    private readonly CpuGemm[] gemms; // one per worker, run on that worker alone
    private readonly float*[] columns; // one column scratch per worker
    private long columnsLength;
    private int* offsets; // Col2Im's gather offsets: depth rows, then run ColCols columns
    private long offsetsLength;
    private float* partials;
    private long partialsLength;

    private ConvSampleMode mode;
    private ColShape shape;
    private int batch, rows, depth, groups, run;
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
        run = mode == ConvSampleMode.Col2Im && !shape.IsIdentity
            ? (int)Math.Clamp(ColumnsBudget / shape.ColSize, 1, batch) : 1;
        if (!shape.IsIdentity) EnsureColumns(run * shape.ColSize);
        if (mode == ConvSampleMode.Col2Im) SetOffsets();
        if (groups > 0)
            CpuScratch.Ensure(ref partials, ref partialsLength, groups * (long)rows * shape.ColRows);
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
        int begin = (int)((long)batch * worker / workers), end = (int)((long)batch * (worker + 1) / workers);
        if (mode == ConvSampleMode.Col2Im)
        {
            for (int s = begin; s < end; s += run) Col2ImRun(worker, s, Math.Min(run, end - s));
            return;
        }
        for (int s = begin; s < end; s++)
        {
            float* image = images + s * imageSize, cols = ColumnsOf(worker, image);
            ToColumns(image, cols);
            gemms[worker].RunAlone(GemmLayout.NN, rows, shape.ColCols, shape.ColRows, w, cols,
                other + s * otherSize, false);
        }
    }

    // Samples [first, first + count): cols (ColRows, count ColCols) = W^T in with the inputs gathered side by
    // side, then col2im of each sample's columns (a 1 x 1 kernel's columns are its image: one sample).
    private void Col2ImRun(int worker, int first, int count)
    {
        float* image = images + first * imageSize, cols = ColumnsOf(worker, image);
        gemms[worker].RunGathered(GemmLayout.TN, shape.ColRows, count * shape.ColCols, depth, w,
            other + first * otherSize, offsets, offsets + depth, cols, false, alone: true);
        if (!shape.IsIdentity)
            new Col2ImWork(cols, image, shape, shape.ColCols, (long)count * shape.ColCols).Run(0,
                count * shape.Channels);
    }

    // Input (depth row d, run column (j, q)) of a Col2Im run sits at d ColCols + j otherSize.
    private void SetOffsets()
    {
        CpuScratch.Ensure(ref offsets, ref offsetsLength, depth + (long)run * shape.ColCols);
        for (int d = 0; d < depth; d++) offsets[d] = d * shape.ColCols;
        int* cols = offsets + depth;
        for (int j = 0; j < run; j++)
            for (int q = 0; q < shape.ColCols; q++) cols[j * shape.ColCols + q] = (int)(j * otherSize + q);
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
            CpuMemory.Free(columns[i]);
            columns[i] = null;
            columns[i] = (float*)CpuMemory.Allocate((nuint)(floats * sizeof(float)));
        }
        columnsLength = floats;
    }

    /// <summary>Frees the scratch and the workers' GEMM packs.</summary>
    public void Dispose()
    {
        for (int i = 0; i < gemms.Length; i++)
        {
            gemms[i].Dispose();
            CpuMemory.Free(columns[i]);
            columns[i] = null;
        }
        CpuScratch.Free(ref partials, ref partialsLength);
        CpuScratch.Free(ref offsets, ref offsetsLength);
        columnsLength = 0;
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
