// P/Invoke for Debian's OpenBLAS (libopenblas.so.0, package libopenblas0-pthread): the sgemm
// baseline of the GEMM benchmarks. Absent library: IsAvailable is false and Unavailable says why.
using System.Runtime.InteropServices;
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

    /// <summary>Variables that change OpenBLAS's kernel choice; the baseline wants them unset.</summary>
    public static readonly string[] TuningVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>The tuning variables that are set in this process, if any.</summary>
    public static string[] SetTuningVariables() =>
        TuningVariables.Where(name => Environment.GetEnvironmentVariable(name) is not null).ToArray();

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
