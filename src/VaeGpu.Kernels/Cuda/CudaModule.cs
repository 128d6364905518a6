// A PTX module loaded into a context, and lookup of its kernels by name. The PTX JIT's error log is
// captured so that a driver that rejects our PTX says why.
using System.Text;

namespace VaeGpu.Kernels.Cuda;

/// <summary>A loaded CUmodule.</summary>
internal sealed unsafe class CudaModule : IDisposable
{
    private const int JitErrorLogBuffer = 5;          // CU_JIT_ERROR_LOG_BUFFER
    private const int JitErrorLogBufferSizeBytes = 6; // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
    private const int LogBytes = 16 * 1024;

    private readonly CudaContext _context;

    public CudaModule(CudaContext context, string ptx)
    {
        _context = context;
        context.MakeCurrent();
        var image = CudaCompiler.Utf8Z(ptx);
        var log = new byte[LogBytes];
        int* options = stackalloc int[] { JitErrorLogBuffer, JitErrorLogBufferSizeBytes };
        fixed (byte* imagePtr = image)
        fixed (byte* logPtr = log)
        {
            void** values = stackalloc void*[] { logPtr, (void*)LogBytes };
            var status = CuApi.cuModuleLoadDataEx(out var module, imagePtr, 2, options, values);
            if (status != CuResult.CUDA_SUCCESS)
            {
                int end = Array.IndexOf(log, (byte)0);
                var text = Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
                throw CudaException.Failed(status, "cuModuleLoadDataEx (PTX JIT)", text.Length > 0 ? text : null);
            }
            Handle = module;
        }
    }

    public IntPtr Handle { get; private set; }

    /// <summary>The CUfunction of an extern "C" kernel.</summary>
    public IntPtr Function(string name)
    {
        _context.MakeCurrent();
        var bytes = CudaCompiler.Utf8Z(name);
        fixed (byte* p = bytes)
        {
            var status = CuApi.cuModuleGetFunction(out var function, Handle, p);
            if (status != CuResult.CUDA_SUCCESS)
                throw CudaException.Failed(status, $"cuModuleGetFunction(\"{name}\")");
            return function;
        }
    }

    public void Dispose()
    {
        if (Handle == IntPtr.Zero || _context.IsReleased) return;
        _context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuModuleUnload(Handle));
        Handle = IntPtr.Zero;
    }
}
