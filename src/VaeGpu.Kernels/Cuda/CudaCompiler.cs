// CUDA C to PTX with NVRTC, for a device's compute capability. The target is the newest virtual
// architecture NVRTC supports that does not exceed the device's (PTX is forward compatible, so an
// older NVRTC still serves a newer GPU). PTX is cached per (source, architecture) for the process.
using System.Collections.Concurrent;
using System.Text;

namespace VaeGpu.Kernels.Cuda;

/// <summary>Compiles CUDA C to PTX with NVRTC.</summary>
internal static unsafe class CudaCompiler
{
    private static readonly ConcurrentDictionary<(string Source, int Arch), string> Cache = new();

    /// <summary>The compute_XY number to compile for on a device of capability major.minor.</summary>
    public static int TargetArchitecture(int major, int minor, int[]? supported)
    {
        int device = major * 10 + minor;
        if (supported is null || supported.Length == 0) return device;
        int best = -1;
        foreach (var arch in supported)
            if (arch <= device && arch > best) best = arch;
        if (best < 0)
            throw new CudaException(
                $"NVRTC {NvrtcApi.LibraryPath} supports compute_{supported.Min()} and newer, but the device is "
                + $"compute capability {major}.{minor}; use an older CUDA toolkit's NVRTC", "nvrtc", "unsupported arch");
        return best;
    }

    /// <summary>Returns PTX for <paramref name="source"/>; throws <see cref="CudaException"/> with NVRTC's log on errors.</summary>
    public static string Compile(string source, string name, int arch) =>
        Cache.GetOrAdd((source, arch), key => CompileCore(key.Source, name, key.Arch));

    private static string CompileCore(string source, string name, int arch)
    {
        var sourceBytes = Utf8Z(source);
        var nameBytes = Utf8Z(name);
        var options = new[] { Utf8Z($"--gpu-architecture=compute_{arch}") };
        IntPtr program;
        fixed (byte* s = sourceBytes)
        fixed (byte* n = nameBytes)
            CudaException.ThrowIfFailed(NvrtcApi.nvrtcCreateProgram(out program, s, n));
        try
        {
            NvrtcResult status;
            fixed (byte* o0 = options[0])
            {
                byte** list = stackalloc byte*[] { o0 };
                status = NvrtcApi.nvrtcCompileProgram(program, options.Length, list);
            }
            if (status != NvrtcResult.NVRTC_SUCCESS)
            {
                var code = NvrtcApi.ErrorName(status);
                throw new CudaException(
                    $"NVRTC could not compile {name} for compute_{arch}: {code} ({(int)status})",
                    "nvrtcCompileProgram", code, ProgramLog(program));
            }
            CudaException.ThrowIfFailed(NvrtcApi.nvrtcGetPTXSize(program, out var size));
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx)
                CudaException.ThrowIfFailed(NvrtcApi.nvrtcGetPTX(program, p));
            return Encoding.UTF8.GetString(ptx, 0, Math.Max(0, ptx.Length - 1)); // size counts the NUL
        }
        finally
        {
            NvrtcApi.nvrtcDestroyProgram(ref program); // cleanup: a failure here cannot hide a real error
        }
    }

    private static string ProgramLog(IntPtr program)
    {
        if (NvrtcApi.nvrtcGetProgramLogSize(program, out var size) != NvrtcResult.NVRTC_SUCCESS || size <= 1)
            return "(NVRTC gave no log)";
        var log = new byte[(int)size];
        fixed (byte* p = log)
            if (NvrtcApi.nvrtcGetProgramLog(program, p) != NvrtcResult.NVRTC_SUCCESS) return "(NVRTC log unreadable)";
        return Encoding.UTF8.GetString(log, 0, log.Length - 1);
    }

    internal static byte[] Utf8Z(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
