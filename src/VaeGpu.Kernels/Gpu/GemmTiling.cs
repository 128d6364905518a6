// The GEMM kernel's tile sizes as one value: a backend picks them per device, builds its program with them
// (they override the GemmKernels constants, which are the defaults) and launches with the same numbers.
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

/// <summary>Tile sizes of the device GEMM (see <see cref="GemmKernels"/> for what each one means).</summary>
public readonly record struct GemmTiling(int TileM, int TileN, int TileK, int WptM, int WptN)
{
    /// <summary>The compiled-in constants: a 64 x 64 tile per group of 16 x 16 work-items (GPUs).</summary>
    public static GemmTiling Default => new(GemmKernels.TileM, GemmKernels.TileN, GemmKernels.TileK,
        GemmKernels.WptM, GemmKernels.WptN);

    /// <summary>
    /// CPU OpenCL devices (PoCL): the default. Its former 8 x 8 block per work-item needed a private array;
    /// the kernel now keeps a written-out 4 x 4 block of scalars so that ILGPU's PTX keeps it in registers.
    /// </summary>
    public static GemmTiling CpuDevice => Default;

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
        if (TileM <= 0 || TileN <= 0 || TileK <= 0 || WptM != GemmKernels.WptM || WptN != GemmKernels.WptN
            || TileM % WptM != 0 || TileN % WptN != 0 || Threads > maxGroup)
            throw new ArgumentException(
                $"GEMM tiling {this} is invalid: tiles must be positive multiples of the work per item "
                + $"({GemmKernels.WptM} x {GemmKernels.WptN}, fixed) and need at most {maxGroup} work-items "
                + "per group");
    }

    /// <summary>
    /// The -D options that set these sizes in a generated program (the generator's macro names).
    /// </summary>
    public string Defines =>
        $"-DGEMM_KERNELS_TILE_M={TileM} -DGEMM_KERNELS_TILE_N={TileN} -DGEMM_KERNELS_TILE_K={TileK} "
        + $"-DGEMM_KERNELS_WPT_M={WptM} -DGEMM_KERNELS_WPT_N={WptN}";

    /// <summary>The launch covering an m x n result.</summary>
    internal Device.LaunchDims Dims(int m, int n) =>
        new((n + TileN - 1) / TileN * ThreadsN, (m + TileM - 1) / TileM * ThreadsM, ThreadsN, ThreadsM);
}
