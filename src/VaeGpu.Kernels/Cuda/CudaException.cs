// Failures of CUDA calls. Every driver and NVRTC status goes through ThrowIfFailed, which names the
// call (the expression text) and the status code, so a message reads
// "cuMemAlloc(out ptr, bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)".
using System.Runtime.CompilerServices;

namespace VaeGpu.Kernels.Cuda;

/// <summary>A CUDA driver or NVRTC call failed; <see cref="Log"/> holds the compiler log when there is one.</summary>
public sealed class CudaException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    public CudaException(string message, string call, string code, string? log = null)
        : base(log is null ? message : $"{message}\n{log}")
    {
        Call = call;
        Code = code;
        Log = log;
    }

    /// <summary>The call that failed, as written in the source.</summary>
    public string Call { get; }

    /// <summary>CUDA's name for the status, e.g. CUDA_ERROR_NO_DEVICE.</summary>
    public string Code { get; }

    /// <summary>The NVRTC or PTX JIT log, when the failure was a compilation.</summary>
    public string? Log { get; }

    /// <summary>Throws when a driver call did not succeed.</summary>
    internal static void ThrowIfFailed(CuResult status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != CuResult.CUDA_SUCCESS) throw Failed(status, call);
    }

    /// <summary>Throws when an NVRTC call did not succeed.</summary>
    internal static void ThrowIfFailed(NvrtcResult status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != NvrtcResult.NVRTC_SUCCESS)
        {
            var code = NvrtcApi.ErrorName(status);
            throw new CudaException($"{call} failed: {code} ({(int)status})", call, code);
        }
    }

    /// <summary>The exception for a failed driver call, with an optional log appended.</summary>
    internal static CudaException Failed(CuResult status, string call, string? log = null)
    {
        var code = CuApi.ErrorName(status);
        return new CudaException($"{call} failed: {code} ({(int)status}){Hint(status)}", call, code, log);
    }

    private static string Hint(CuResult status) => status switch
    {
        CuResult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION =>
            "; NVRTC is newer than the driver: use an NVRTC no newer than the driver's CUDA version",
        CuResult.CUDA_ERROR_STUB_LIBRARY =>
            "; the loaded libcuda is the toolkit's stub, not the driver: fix LD_LIBRARY_PATH",
        CuResult.CUDA_ERROR_INSUFFICIENT_DRIVER or CuResult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH =>
            "; the NVIDIA kernel driver and libcuda do not match: reinstall the driver or reboot",
        >= CuResult.CUDA_ERROR_ILLEGAL_ADDRESS and <= CuResult.CUDA_ERROR_LAUNCH_FAILED =>
            "; launches are asynchronous, so the faulting kernel may be an earlier one than this call",
        _ => "",
    };
}
