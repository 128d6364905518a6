// P/Invoke for Debian's CLBlast (libclblast.so.1, package libclblast1, CLBlast 1.5.3): the tuned
// OpenCL sgemm that `gemm-backends` runs beside our OpenCL GEMM, on the same device and the same
// command queue. Benchmarks only; the product never loads it. Absent library: IsAvailable is false
// and Unavailable says why.
using System.Runtime.InteropServices;
using VaeGpu.Kernels;
using VaeGpu.Kernels.OpenCL;

namespace VaeGpu.Benchmarks.Gemm;

/// <summary>CLBlast's sgemm on the buffers and queue of one of our OpenCL accelerators.</summary>
internal static unsafe partial class ClBlastApi
{
    private const string Library = "libclblast.so.1";

    // CLBlastLayout and CLBlastTranspose, as in clblast_c.h (the CBLAS values).
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
            return $"{Library} not found (install libclblast1)";
        bool exported = NativeLibrary.TryGetExport(handle, "CLBlastSgemm", out _);
        return exported ? null : $"{Library} has no CLBlastSgemm";
    });

    /// <summary>True when the library loads and exports CLBlastSgemm.</summary>
    public static bool IsAvailable => Probe.Value is null;

    /// <summary>Why CLBlast cannot run, or null.</summary>
    public static string? Unavailable => Probe.Value;

    // CLBlastStatusCode CLBlastSgemm(layout, a_transpose, b_transpose, m, n, k, alpha, a, a_offset,
    //   a_ld, b, b_offset, b_ld, beta, c, c_offset, c_ld, cl_command_queue* queue, cl_event* event)
    [LibraryImport(Library, EntryPoint = "CLBlastSgemm")]
    private static partial int Sgemm(int layout, int transA, int transB, nuint m, nuint n, nuint k,
        float alpha, nint a, nuint aOffset, nuint lda, nint b, nuint bOffset, nuint ldb, float beta,
        nint c, nuint cOffset, nuint ldc, nint* queue, nint* completion);

    /// <summary>
    /// Enqueues C (m x n) = op(A) op(B) for one of VaeGpu's row-major layouts on
    /// <paramref name="acc"/>'s queue; like our GEMM it returns before the device finishes.
    /// </summary>
    public static void Gemm(OpenCLAccelerator acc, GemmLayout layout, int m, int n, int k,
        DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        int transA = layout == GemmLayout.TN ? Trans : NoTrans;
        int transB = layout == GemmLayout.NT ? Trans : NoTrans;
        int lda = layout == GemmLayout.TN ? m : k;
        int ldb = layout == GemmLayout.NT ? k : n;
        nint queue = acc.Queue;
        int status = Sgemm(RowMajor, transA, transB, (nuint)m, (nuint)n, (nuint)k, 1f, Handle(a), 0,
            (nuint)lda, Handle(b), 0, (nuint)ldb, 0f, Handle(c), 0, (nuint)n, &queue, null);
        // CLBlast's codes: 0 success, negative OpenCL errors, -1000 and below its own (clblast.h).
        if (status != 0)
            throw new InvalidOperationException(
                $"CLBlastSgemm({layout}, {m}x{k}x{n}) failed with status {status}");
    }

    private static nint Handle(DeviceBuffer<float> buffer) => ((OpenCLBuffer<float>)buffer).Handle;
}
