// The packed, cache-blocked GEMM driver (the BLIS loop order): for each NC-column panel of B and
// each KC-deep slice, B is packed into NR-wide slivers; for each MC-row block, A is packed into
// MR-tall slivers; the micro-kernel multiplies one A sliver by one B sliver into an MR x NR tile,
// written straight into C when it is a full tile (an edge tile goes through a tile buffer and a
// merge) with the epilogue (accumulate, bias, activation on the last slice). When all of M is one
// block and the workers split the columns, each worker packs a B sliver just before its tiles
// instead of the whole panel. Packing also applies the transposes. Steps (jc, pc, ic) are pipelined over
// the worker pool with double-buffered packs and no barrier: each worker computes step t - 1 and then
// packs step t, a sliver (a unit) at a time, its own share first and then what is left of the others';
// a unit waits only for what it needs: a tile for this step's packs and for the same tile's previous
// depth slice, a pack for every tile of the steps up to two back (the readers of its buffer). A worker that
// the machine slows down, or that joins a dispatch late, then holds up no one.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

/// <summary>The reusable GEMM work descriptor of one <see cref="CpuAccelerator"/>; not reentrant.</summary>
internal sealed unsafe partial class CpuGemm : CpuWork, IDisposable
{
    // Depth of a packed slice: a B sliver of 256 x NR floats (16 KiB for AVX2, 32 KiB for AVX-512)
    // serves every A sliver of a block from L1 and L2.
    internal const int KC = 256;
    // Rows of a packed A block: 144 x 256 floats (144 KiB) stay in L2 while B slivers stream by.
    internal const int MC = 144;
    // Columns of a packed B panel: 256 x 2048 floats (2 MiB) stay in L3 (2048 and 4096 measured alike
    // on 2026-11-30; every figure of that day ran with 2048).
    internal const int NC = 2048;
    // Below this many multiply-adds a dispatch to the pool costs more than it saves.
    internal const long ParallelMacs = 1L << 18;

    private readonly CpuWorkerPool pool;
    private readonly int mr, nr;
    private readonly float*[] packA = new float*[2];
    private readonly float*[] packB = new float*[2];
    private long packALength, packBLength;
    private readonly float* tiles, slivers;

    private GemmLayout layout;
    private int m, n, k;
    private float* a, b, c, bias;
    private bool accumulate;
    private Activation activation;
    private int blocksM, blocksK, blocksN, steps;
    // Per step and worker share, the count of its compute units claimed so far (one cache line each).
    private const int ClaimPad = CpuWorkerPool.LineInts;
    private int[] claims = new int[64 * ClaimPad];
    // Per step, pack claims like the compute claims above, and (one cache line each) the count of its
    // pack units and compute units done; per row block, column panel and compute unit, 1 + the last step
    // done.
    private int[] packClaims = new int[64 * ClaimPad], packDone = new int[64], computeDone = new int[64];
    private int[] lastDone = new int[64];
    private int unitKeys;
    private int stepM, stepK;

    public CpuGemm(CpuWorkerPool pool, CpuGemmKernel kernel)
    {
        this.pool = pool;
        Kernel = kernel;
        (mr, nr) = CpuGemmKernels.TileOf(kernel);
        tiles = (float*)CpuMemory.Allocate((nuint)(pool.Size * mr * nr * sizeof(float)));
        slivers = (float*)CpuMemory.Allocate((nuint)(pool.Size * nr * KC * sizeof(float)));
    }

    /// <summary>The micro-kernel in use.</summary>
    public CpuGemmKernel Kernel { get; }

    /// <summary>C (m x n) = act([C +] op(A) op(B) [+ bias]); arguments already checked.</summary>
    public void Run(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c, bool accumulate,
        float* bias, Activation activation)
    {
        int workers = Set(layout, m, n, k, a, b, c, accumulate, bias, activation);
        pool.Run(this, workers);
    }

    /// <summary>C (m x n) = [C +] op(A) op(B) on the calling thread alone, which may be a pool worker
    /// inside a dispatch of its own (each worker then needs its own instance).</summary>
    public void RunAlone(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c,
        bool accumulate)
    {
        Set(layout, m, n, k, a, b, c, accumulate, null, Activation.Identity);
        Execute(0, 1);
    }

    /// <summary>Sets up C (m x n) = [C +] op(A) op(B) for workers that then call Execute themselves.
    /// </summary>
    internal void Prepare(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c,
        bool accumulate) =>
        Set(layout, m, n, k, a, b, c, accumulate, null, Activation.Identity);

    // Stores the arguments and sizes the packs; returns the workers the GEMM is worth.
    private int Set(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c, bool accumulate,
        float* bias, Activation activation)
    {
        this.layout = layout;
        (this.m, this.n, this.k) = (m, n, k);
        this.a = a; this.b = b; this.c = c; this.bias = bias;
        this.accumulate = accumulate;
        this.activation = activation;
        // Blocks of equal size rather than full blocks and a thin remainder (k = 784 gives 4 x 196, not
        // 3 x 256 + 16), so no slice pays a full merge pass over C for a few steps of depth.
        (blocksM, stepM) = Balance(m, MC, mr);
        (blocksK, stepK) = Balance(k, KC, DepthMultiple);
        blocksN = (n + NC - 1) / NC;
        steps = blocksM * blocksK * blocksN;
        EnsurePacks(RoundUp(Math.Min(m, MC), mr) * KC, RoundUp(Math.Min(n, NC), nr) * KC);
        int claimCount = steps * pool.Size * ClaimPad;
        CpuWorkerPool.ClearCounters(ref claims, claimCount);
        CpuWorkerPool.ClearCounters(ref packClaims, claimCount);
        CpuWorkerPool.ClearCounters(ref packDone, steps * ClaimPad);
        CpuWorkerPool.ClearCounters(ref computeDone, steps * ClaimPad);
        unitKeys = Math.Max((Math.Min(n, NC) + nr - 1) / nr, (stepM + mr - 1) / mr);
        CpuWorkerPool.ClearCounters(ref lastDone, blocksN * blocksM * unitKeys);
        return (long)m * n * k < ParallelMacs ? 1 : pool.Size;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int worker, int workers)
    {
        int computed = -1; // steps through which this worker has seen every tile done
        for (int step = 0; step <= steps; step++)
        {
            if (step > 0) ComputeStep(worker, workers, step - 1);
            if (step < steps) PackStep(worker, workers, step, ref computed);
        }
    }

    // Pack units of a step: its A slivers, then (on the first row block of a slice, unless each worker
    // packs its own B slivers) the panel's B slivers.
    private (int A, int B) PackUnits(int mc, int nc, int step) =>
        ((mc + mr - 1) / mr, step % blocksM == 0 && !SliverB(mc, nc) ? (nc + nr - 1) / nr : 0);

    // Compute units of a step: its B slivers, or its A slivers when there are fewer columns than rows.
    private int ComputeUnits(int mc, int nc)
    {
        int slicesM = (mc + mr - 1) / mr, slicesN = (nc + nr - 1) / nr;
        return Thin(slicesM, slicesN) ? slicesM : slicesN;
    }

    // Fewer columns than row slivers: the units are row slivers, so every worker gets some.
    private static bool Thin(int slicesM, int slicesN) => slicesN < slicesM;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackStep(int worker, int workers, int step, ref int computed)
    {
        var (i0, mc, p0, kc, j0, nc, slice) = Decompose(step);
        var (unitsA, unitsB) = PackUnits(mc, nc, step);
        bool ready = workers == 1 || step - 2 <= computed;
        for (int t = 0; t < workers; t++)
        {
            int owner = (worker + t) % workers;
            int a0 = unitsA * owner / workers, a1 = unitsA * (owner + 1) / workers;
            int b0 = unitsB * owner / workers, b1 = unitsB * (owner + 1) / workers;
            int count = a1 - a0 + b1 - b0, u;
            ref int claimed = ref packClaims[(step * workers + owner) * ClaimPad];
            while ((u = Interlocked.Increment(ref claimed) - 1) < count)
            {
                if (!ready)
                {
                    // This step's packs overwrite buffers that steps up to step - 2 computed from.
                    for (int old = computed + 1; old <= step - 2; old++)
                    {
                        var (_, mcOld, _, _, _, ncOld, _) = Decompose(old);
                        WaitFor(ref computeDone[old * ClaimPad], ComputeUnits(mcOld, ncOld));
                    }
                    computed = step - 2;
                    ready = true;
                }
                if (u < a1 - a0) PackA(packA[step & 1], i0, mc, p0, kc, a0 + u, a0 + u + 1);
                else PackB(packB[slice & 1], j0, nc, p0, kc, b0 + u - (a1 - a0), b0 + u - (a1 - a0) + 1);
                Interlocked.Increment(ref packDone[step * ClaimPad]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeStep(int worker, int workers, int step)
    {
        var (i0, mc, p0, kc, j0, nc, slice) = Decompose(step);
        var work = new StepSlivers(i0, mc, p0, kc, j0, packA[step & 1], packB[slice & 1], worker);
        int slicesM = (mc + mr - 1) / mr, slicesN = (nc + nr - 1) / nr;
        bool packSlivers = SliverB(mc, nc), thin = Thin(slicesM, slicesN);
        int units = thin ? slicesM : slicesN;
        // The tiles of one row block and column panel: their depth slices follow each other, so the steps
        // written to lastDone only grow (keyed by row block alone, a panel's slower unit could lower it).
        int keys = (j0 / NC * blocksM + step % blocksM) * unitKeys;
        bool packed = workers == 1;
        // Each worker takes the units of its own share in order, one claim at a time, then helps with
        // what is left of the others' shares: a worker that the machine slows down (another tenant on its
        // core) or that joins the dispatch late no longer holds up the other.
        for (int t = 0; t < workers; t++)
        {
            int owner = (worker + t) % workers;
            int begin = units * owner / workers, end = units * (owner + 1) / workers, u;
            ref int claimed = ref claims[(step * workers + owner) * ClaimPad];
            while ((u = begin + Interlocked.Increment(ref claimed) - 1) < end)
            {
                if (!packed)
                {
                    var (unitsA, unitsB) = PackUnits(mc, nc, step);
                    WaitFor(ref packDone[step * ClaimPad], unitsA + unitsB);
                    // A step that reuses an earlier step's B panel (row blocks after the first) needs
                    // that panel packed too.
                    int first = step - step % blocksM;
                    if (first != step)
                    {
                        var (_, mcFirst, _, _, _, _, _) = Decompose(first);
                        var (fa, fb) = PackUnits(mcFirst, nc, first);
                        WaitFor(ref packDone[first * ClaimPad], fa + fb);
                    }
                    packed = true;
                }
                // A later depth slice adds to the tiles of the one before: wait for that unit.
                if (p0 != 0 && workers > 1) WaitFor(ref lastDone[keys + u], step - blocksM + 1);
                if (thin)
                    for (int js = 0; js < slicesN; js++) ComputeColumn(work, js, u, u + 1, false);
                else ComputeColumn(work, u, 0, slicesM, packSlivers);
                Volatile.Write(ref lastDone[keys + u], step + 1);
                Interlocked.Increment(ref computeDone[step * ClaimPad]);
            }
        }
    }

    // Spins (yielding) until the counter reaches the target.
    private static void WaitFor(ref int counter, int target)
    {
        if (Volatile.Read(ref counter) >= target) return;
        var spin = new SpinWait();
        while (Volatile.Read(ref counter) < target) spin.SpinOnce(sleep1Threshold: -1);
    }

    // One step's blocks as ComputeColumn needs them.
    private readonly struct StepSlivers(int i0, int mc, int p0, int kc, int j0, float* packedA,
        float* packedB, int worker)
    {
        public readonly int I0 = i0, Mc = mc, P0 = p0, Kc = kc, J0 = j0, Worker = worker;
        public readonly float* PackedA = packedA, PackedB = packedB;
    }

    /// <summary>B sliver <paramref name="js"/> times A slivers [iBegin, iEnd) of a step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeColumn(in StepSlivers s, int js, int iBegin, int iEnd, bool packSliver)
    {
        int kc = s.Kc;
        bool last = s.P0 + kc == k, loadC = s.P0 != 0 || accumulate;
        int col = s.J0 + js * nr, cols = Math.Min(nr, n - col);
        float* sliverB = s.PackedB + (long)js * nr * kc;
        if (packSliver)
        {
            sliverB = slivers + (long)s.Worker * nr * KC;
            PackBSliver(sliverB, col, cols, s.P0, kc);
        }
        float* biasCols = last && bias != null ? bias + col : null;
        for (int i = iBegin; i < iEnd; i++)
        {
            int row = s.I0 + i * mr, rows = Math.Min(mr, s.I0 + s.Mc - row);
            float* sliverA = s.PackedA + (long)i * mr * kc;
            if (rows == mr && cols == nr)
            {
                // A full tile goes straight into C; the activation then runs over its rows.
                float* cTile = c + (long)row * n + col;
                Multiply(kc, sliverA, sliverB, cTile, n, loadC, biasCols);
                if (last && activation != Activation.Identity)
                    for (long r = 0; r < mr; r++)
                        CpuMath.Activate(activation, cTile + r * n, cTile + r * n, nr);
                continue;
            }
            float* tile = tiles + s.Worker * mr * nr;
            Multiply(kc, sliverA, sliverB, tile, nr, false, null);
            Merge(tile, c + (long)row * n + col, rows, cols, loadC, biasCols,
                last ? activation : Activation.Identity);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Multiply(int kc, float* pa, float* pb, float* dst, long ld, bool load, float* bias)
    {
        switch (Kernel)
        {
            case CpuGemmKernel.Avx512:
                CpuGemmKernels.Avx512Kernel8x32(kc, pa, pb, dst, ld, load, bias);
                break;
            case CpuGemmKernel.Avx2: CpuGemmKernels.Avx2Kernel6x16(kc, pa, pb, dst, ld, load, bias); break;
            default: CpuGemmKernels.PortableKernel4x8(kc, pa, pb, dst, ld, load, bias); break;
        }
    }

    /// <summary>Adds a finished tile into C: c = tile [+ c] [+ bias], then the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Merge(float* tile, float* cTile, int rows, int cols, bool loadC, float* biasCols,
        Activation act)
    {
        for (int r = 0; r < rows; r++)
        {
            float* cRow = cTile + (long)r * n, tRow = tile + r * nr;
            int col = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; col + 8 <= cols; col += 8)
                {
                    var v = Vector256.Load(tRow + col);
                    if (loadC) v += Vector256.Load(cRow + col);
                    if (biasCols != null) v += Vector256.Load(biasCols + col);
                    v.Store(cRow + col);
                }
            }
            for (; col < cols; col++)
            {
                float v = tRow[col];
                if (loadC) v += cRow[col];
                if (biasCols != null) v += biasCols[col];
                cRow[col] = v;
            }
            if (act != Activation.Identity) CpuMath.Activate(act, cRow, cRow, cols);
        }
    }

    // All of M in one block, split between workers by columns: each worker packs each B sliver it
    // uses just before its tiles (it stays in L1) instead of the whole panel (which would not fit L2).
    private bool SliverB(int mc, int nc) => blocksM == 1 && (nc + nr - 1) / nr >= (mc + mr - 1) / mr;

    private (int I0, int Mc, int P0, int Kc, int J0, int Nc, int Slice) Decompose(int step)
    {
        int blockM = step % blocksM, slice = step / blocksM;
        int blockK = slice % blocksK, blockN = slice / blocksK;
        int i0 = blockM * stepM, p0 = blockK * stepK, j0 = blockN * NC;
        return (i0, Math.Min(stepM, m - i0), p0, Math.Min(stepK, k - p0), j0, Math.Min(NC, n - j0), slice);
    }

    // Depth blocks are multiples of this many steps.
    private const int DepthMultiple = 8;

    /// <summary>The depth of one K block for a product of depth k (the last block may be shorter). The
    /// device GEMMs sum in the same blocks, so their results are this backend's bit for bit.</summary>
    internal static int DepthStep(int k) => Balance(k, KC, DepthMultiple).Step;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Splits <paramref name="size"/> into the fewest blocks of at most <paramref name="max"/>,
    /// equal up to rounding to <paramref name="multiple"/> (max is a multiple of it).</summary>
    private static (int Blocks, int Step) Balance(int size, int max, int multiple)
    {
        int blocks = (size + max - 1) / max;
        int step = RoundUp((size + blocks - 1) / blocks, multiple);
        return ((size + step - 1) / step, step);
    }

    private void EnsurePacks(long needA, long needB)
    {
        if (needA > packALength)
        {
            for (int i = 0; i < 2; i++)
            {
                CpuMemory.Free(packA[i]);
                packA[i] = (float*)CpuMemory.Allocate((nuint)(needA * sizeof(float)));
            }
            packALength = needA;
        }
        if (needB > packBLength)
        {
            for (int i = 0; i < 2; i++)
            {
                CpuMemory.Free(packB[i]);
                packB[i] = (float*)CpuMemory.Allocate((nuint)(needB * sizeof(float)));
            }
            packBLength = needB;
        }
    }

    /// <summary>Frees the pack buffers.</summary>
    public void Dispose()
    {
        for (int i = 0; i < 2; i++)
        {
            CpuMemory.Free(packA[i]);
            CpuMemory.Free(packB[i]);
            packA[i] = packB[i] = null;
        }
        CpuMemory.Free(tiles);
        CpuMemory.Free(slivers);
    }
}
