// The GEMM kernel's tile sizes as one value: a backend picks them per device, builds its program with them
// (they override the GemmKernels constants, which are the defaults) and launches with the same numbers.
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

/// <summary>Tile sizes of the device GEMM (see <see cref="GemmKernels"/> for what each one means).</summary>
/// <param name="Contiguous">
/// Wide kernel only: each work-item's block is adjacent rows and columns (true; vector loads on CPU devices)
/// or interleaved with the other work-items' (false; coalesced on GPUs). See GemmKernels.WideContiguous.
/// </param>
public readonly record struct GemmTiling(int TileM, int TileN, int TileK, int WptM, int WptN,
    bool Contiguous = GemmKernels.WideContiguous != 0)
{
    /// <summary>The compiled-in constants: a 64 x 64 tile per group of 16 x 16 work-items (GPUs).</summary>
    public static GemmTiling Default => new(GemmKernels.TileM, GemmKernels.TileN, GemmKernels.TileK,
        GemmKernels.WptM, GemmKernels.WptN);

    /// <summary>
    /// CPU OpenCL devices (PoCL): the wide kernel (GemmKernels.GemmWide), 128 x 128 tiles, 16 work-items each
    /// keeping a contiguous 32 x 32 block, about 3x the 8 x 8 interleaved blocks' GFLOP/s there (gemm-tune).
    /// </summary>
    public static GemmTiling CpuDevice => new(GemmKernels.WideTileM, GemmKernels.WideTileN,
        GemmKernels.WideTileK, GemmKernels.WideWptM, GemmKernels.WideWptN, GemmKernels.WideContiguous != 0);

    /// <summary>
    /// CPU OpenCL devices, GEMMs of at most 32 rows (a conv's 32 output channels): 32 x 256 tiles of 8
    /// work-items with contiguous 32 x 32 blocks, about 2.3x CpuDevice's 128-row tiles at 32 x 16 x 25088
    /// (gemm-tune).
    /// </summary>
    public static GemmTiling CpuDeviceRows32 => new(32, 256, GemmKernels.WideTileK, 32, 32, true);

    /// <summary>
    /// CPU OpenCL devices, GEMMs of 33 to 64 rows: 64 x 128 tiles of 8 work-items with contiguous 32 x 32
    /// blocks, about 1.45x CpuDevice's at the conv VAE's 64-channel shapes (gemm-tune).
    /// </summary>
    public static GemmTiling CpuDeviceRows64 => new(64, 128, GemmKernels.WideTileK, 32, 32, true);

    /// <summary>
    /// True when the block per work-item is not the written-out 4 x 4 of GemmKernels.Gemm: then
    /// GemmKernels.GemmWide runs, whose block size is a build option (OpenCL only).
    /// </summary>
    public bool Wide => WptM != GemmKernels.WptM || WptN != GemmKernels.WptN;

    /// <summary>Work-items along M per group.</summary>
    public int ThreadsM => TileM / WptM;

    /// <summary>Work-items along N per group.</summary>
    public int ThreadsN => TileN / WptN;

    /// <summary>Work-items per group.</summary>
    public int Threads => ThreadsM * ThreadsN;

    /// <summary>
    /// Throws unless the tiles divide evenly into work-items and fit a group of <paramref name="maxGroup"/>.
    /// </summary>
    public void Validate(long maxGroup)
    {
        if (TileM <= 0 || TileN <= 0 || TileK <= 0 || WptM <= 0 || WptN <= 0
            || TileM % WptM != 0 || TileN % WptN != 0 || Threads > maxGroup)
            throw new ArgumentException(
                $"GEMM tiling {this} is invalid: tiles must be positive multiples of the work per item "
                + $"and need at most {maxGroup} work-items per group");
    }

    /// <summary>
    /// The -D options that set these sizes in a generated program (the generator's macro names).
    /// </summary>
    public string Defines => Wide
        ? $"-DGEMM_KERNELS_WIDE_TILE_M={TileM} -DGEMM_KERNELS_WIDE_TILE_N={TileN} "
          + $"-DGEMM_KERNELS_WIDE_TILE_K={TileK} -DGEMM_KERNELS_WIDE_WPT_M={WptM} "
          + $"-DGEMM_KERNELS_WIDE_WPT_N={WptN} -DGEMM_KERNELS_WIDE_CONTIGUOUS={(Contiguous ? 1 : 0)}"
        : $"-DGEMM_KERNELS_TILE_M={TileM} -DGEMM_KERNELS_TILE_N={TileN} -DGEMM_KERNELS_TILE_K={TileK}";

    /// <summary>The launch covering an m x n result.</summary>
    internal Device.LaunchDims Dims(int m, int n) =>
        new((n + TileN - 1) / TileN * ThreadsN, (m + TileM - 1) / TileM * ThreadsM, ThreadsN, ThreadsM);
}
