// P/Invoke for Debian's OpenBLAS (libopenblas.so.0, package libopenblas0-pthread): the sgemm
// baseline of the GEMM benchmarks. Absent library: IsAvailable is false and Unavailable says why.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Gemm;

/// <summary>The few OpenBLAS entry points the benchmarks call.</summary>
internal static unsafe partial class OpenBlasApi
{
    private const string Library = "libopenblas.so.0";

    /// <summary>CBLAS enums: row-major order and the two transpose flags.</summary>
    public const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
            return $"{Library} not found (install libopenblas0-pthread)";
        bool exported = NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _);
        return exported ? null : $"{Library} has no cblas_sgemm";
    });

    /// <summary>True when the library loads and exports cblas_sgemm.</summary>
    public static bool IsAvailable => Probe.Value is null;

    /// <summary>Why the baseline cannot run, or null.</summary>
    public static string? Unavailable => Probe.Value;

    /// <summary>The kernel OpenBLAS should run on this CPU, or null where any will do: Debian's 0.3.21
    /// does not know newer CPUs by model number (an Intel Xeon of model 207, say) and falls back to its
    /// SSE3 kernel, Prescott, at a quarter of the speed. A baseline on that kernel would flatter us.
    /// </summary>
    public static string? BetterCore()
    {
        string core = CoreName();
        bool avx512 = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported
            && Avx512F.VL.IsSupported;
        if (avx512)
            return core is "SkylakeX" or "Cooperlake" or "SapphireRapids" ? null : "SkylakeX";
        if (Avx2.IsSupported && Fma.IsSupported)
            return core is "Haswell" or "Zen" or "SkylakeX" or "Cooperlake" or "SapphireRapids"
                ? null : "Haswell";
        return null;
    }

    /// <summary>Warnings about a baseline that is not OpenBLAS at its best here (none when it is).</summary>
    public static IEnumerable<string> BaselineWarnings()
    {
        string? better = BetterCore();
        if (better is not null)
            yield return $"OpenBLAS runs its {CoreName()} kernel, which leaves this CPU's vector units idle;"
                + $" rerun under `env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE={better}`";
        else if (Environment.GetEnvironmentVariable("OPENBLAS_L2_SIZE") is not null)
            yield return "OPENBLAS_L2_SIZE is set; rerun under `env -u OPENBLAS_L2_SIZE`";
    }

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    public static partial void Sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    public static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_num_threads")]
    public static partial int GetNumThreads();

    [LibraryImport(Library, EntryPoint = "openblas_get_corename")]
    private static partial nint GetCoreNamePointer();

    /// <summary>The CPU core type OpenBLAS chose (for the report).</summary>
    public static string CoreName() => Marshal.PtrToStringAnsi(GetCoreNamePointer()) ?? "?";

    /// <summary>C (m x n) = op(A) op(B) for one of VaeGpu's row-major layouts.</summary>
    public static void Gemm(GemmLayout layout, int m, int n, int k, float* a, float* b, float* c)
    {
        int transA = layout == GemmLayout.TN ? Trans : NoTrans;
        int transB = layout == GemmLayout.NT ? Trans : NoTrans;
        int lda = layout == GemmLayout.TN ? m : k;
        int ldb = layout == GemmLayout.NT ? k : n;
        Sgemm(RowMajor, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
    }
}
