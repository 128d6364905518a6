// The one binding to the OpenCL ICD loader (libOpenCL.so.1; OpenCL.dll; the macOS framework): only
// the entry points VaeGpu uses, each a raw unmanaged function pointer returning ClStatus. They are
// resolved with NativeLibrary at first use rather than through [DllImport], so a missing library or
// entry point is a reason Probe() can report, and no assembly-wide import resolver is claimed.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.OpenCL;

/// <summary>
/// Raw OpenCL 1.2 entry points; handles are nint. Check <see cref="LoadError"/> before use.
/// </summary>
internal static unsafe class ClApi
{
    public const uint True = 1;
    public const ulong DeviceTypeAll = 0xFFFFFFFF, DeviceTypeCpu = 1 << 1;
    public const ulong MemReadWrite = 1;
    public const uint PlatformVersion = 0x0901, PlatformName = 0x0902, PlatformVendor = 0x0903;
    public const uint DeviceType = 0x1000, DeviceMaxComputeUnits = 0x1002, DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceGlobalMemSize = 0x101F, DeviceLocalMemSize = 0x1023, DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C, DriverVersion = 0x102D, DeviceVersion = 0x102F;
    public const uint ProgramBuildLog = 0x1183;

    /// <summary>Null when the library and every entry point loaded; otherwise why not.</summary>
    public static readonly string? LoadError;

    public static readonly delegate* unmanaged<uint, nint*, uint*, ClStatus> GetPlatformIDs;
    public static readonly delegate* unmanaged<nint, uint, nuint, void*, nuint*, ClStatus> GetPlatformInfo;
    public static readonly delegate* unmanaged<nint, ulong, uint, nint*, uint*, ClStatus> GetDeviceIDs;
    public static readonly delegate* unmanaged<nint, uint, nuint, void*, nuint*, ClStatus> GetDeviceInfo;
    public static readonly delegate* unmanaged<nint*, uint, nint*, nint, nint, ClStatus*, nint> CreateContext;
    public static readonly delegate* unmanaged<nint, ClStatus> ReleaseContext;
    public static readonly delegate* unmanaged<nint, nint, ulong, ClStatus*, nint> CreateCommandQueue;
    public static readonly delegate* unmanaged<nint, ClStatus> ReleaseCommandQueue;
    public static readonly delegate* unmanaged<nint, ulong, nuint, void*, ClStatus*, nint> CreateBuffer;
    public static readonly delegate* unmanaged<nint, ClStatus> ReleaseMemObject;
    public static readonly delegate* unmanaged<
        nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, ClStatus> EnqueueWriteBuffer;
    public static readonly delegate* unmanaged<
        nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, ClStatus> EnqueueReadBuffer;
    public static readonly delegate* unmanaged<
        nint, nint, nint, nuint, nuint, nuint, uint, nint*, nint*, ClStatus> EnqueueCopyBuffer;
    public static readonly delegate* unmanaged<nint, uint, byte**, nuint*, ClStatus*, nint>
        CreateProgramWithSource;
    public static readonly delegate* unmanaged<nint, uint, nint*, byte*, nint, nint, ClStatus> BuildProgram;
    public static readonly delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, ClStatus>
        GetProgramBuildInfo;
    public static readonly delegate* unmanaged<nint, ClStatus> ReleaseProgram;
    public static readonly delegate* unmanaged<nint, byte*, ClStatus*, nint> CreateKernel;
    public static readonly delegate* unmanaged<nint, ClStatus> ReleaseKernel;
    public static readonly delegate* unmanaged<nint, uint, nuint, void*, ClStatus> SetKernelArg;
    public static readonly delegate* unmanaged<
        nint, nint, uint, nuint*, nuint*, nuint*, uint, nint*, nint*, ClStatus> EnqueueNDRangeKernel;
    public static readonly delegate* unmanaged<nint, ClStatus> Finish;
    public static readonly delegate* unmanaged<nint, ClStatus> Flush;

    static ClApi()
    {
        string[] names = OperatingSystem.IsWindows() ? ["OpenCL.dll"]
            : OperatingSystem.IsMacOS() ? ["/System/Library/Frameworks/OpenCL.framework/OpenCL"]
            : ["libOpenCL.so.1", "libOpenCL.so"];
        nint library = 0;
        foreach (var name in names)
            if (NativeLibrary.TryLoad(name, out library)) break;
        if (library == 0)
        {
            LoadError = $"no OpenCL ICD loader found (tried {string.Join(", ", names)}; on Debian install "
                + "ocl-icd-libopencl1 and a driver such as pocl-opencl-icd)";
            return;
        }
        var missing = new List<string>();
        nint Get(string entry)
        {
            if (NativeLibrary.TryGetExport(library, entry, out var address)) return address;
            missing.Add(entry);
            return 0;
        }
        GetPlatformIDs = (delegate* unmanaged<uint, nint*, uint*, ClStatus>)Get("clGetPlatformIDs");
        GetPlatformInfo = (delegate* unmanaged<nint, uint, nuint, void*, nuint*, ClStatus>)
            Get("clGetPlatformInfo");
        GetDeviceIDs = (delegate* unmanaged<nint, ulong, uint, nint*, uint*, ClStatus>)Get("clGetDeviceIDs");
        GetDeviceInfo = (delegate* unmanaged<nint, uint, nuint, void*, nuint*, ClStatus>)
            Get("clGetDeviceInfo");
        CreateContext = (delegate* unmanaged<nint*, uint, nint*, nint, nint, ClStatus*, nint>)
            Get("clCreateContext");
        ReleaseContext = (delegate* unmanaged<nint, ClStatus>)Get("clReleaseContext");
        CreateCommandQueue = (delegate* unmanaged<nint, nint, ulong, ClStatus*, nint>)
            Get("clCreateCommandQueue");
        ReleaseCommandQueue = (delegate* unmanaged<nint, ClStatus>)Get("clReleaseCommandQueue");
        CreateBuffer = (delegate* unmanaged<nint, ulong, nuint, void*, ClStatus*, nint>)Get("clCreateBuffer");
        ReleaseMemObject = (delegate* unmanaged<nint, ClStatus>)Get("clReleaseMemObject");
        EnqueueWriteBuffer =
            (delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, ClStatus>)
            Get("clEnqueueWriteBuffer");
        EnqueueReadBuffer =
            (delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, ClStatus>)
            Get("clEnqueueReadBuffer");
        EnqueueCopyBuffer =
            (delegate* unmanaged<nint, nint, nint, nuint, nuint, nuint, uint, nint*, nint*, ClStatus>)
            Get("clEnqueueCopyBuffer");
        CreateProgramWithSource = (delegate* unmanaged<nint, uint, byte**, nuint*, ClStatus*, nint>)
            Get("clCreateProgramWithSource");
        BuildProgram = (delegate* unmanaged<nint, uint, nint*, byte*, nint, nint, ClStatus>)
            Get("clBuildProgram");
        GetProgramBuildInfo = (delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, ClStatus>)
            Get("clGetProgramBuildInfo");
        ReleaseProgram = (delegate* unmanaged<nint, ClStatus>)Get("clReleaseProgram");
        CreateKernel = (delegate* unmanaged<nint, byte*, ClStatus*, nint>)Get("clCreateKernel");
        ReleaseKernel = (delegate* unmanaged<nint, ClStatus>)Get("clReleaseKernel");
        SetKernelArg = (delegate* unmanaged<nint, uint, nuint, void*, ClStatus>)Get("clSetKernelArg");
        EnqueueNDRangeKernel =
            (delegate* unmanaged<nint, nint, uint, nuint*, nuint*, nuint*, uint, nint*, nint*, ClStatus>)
            Get("clEnqueueNDRangeKernel");
        Finish = (delegate* unmanaged<nint, ClStatus>)Get("clFinish");
        Flush = (delegate* unmanaged<nint, ClStatus>)Get("clFlush");
        if (missing.Count > 0)
            LoadError = $"the OpenCL library lacks {string.Join(", ", missing)} "
                + "(an OpenCL 1.2 loader is needed)";
    }

    /// <summary>A string-valued platform property.</summary>
    public static string PlatformString(nint platform, uint param)
    {
        nuint size;
        OpenCLException.ThrowIfFailed(GetPlatformInfo(platform, param, 0, null, &size));
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            OpenCLException.ThrowIfFailed(GetPlatformInfo(platform, param, size, p, null));
        return TrimNul(bytes);
    }

    /// <summary>A string-valued device property.</summary>
    public static string DeviceString(nint device, uint param)
    {
        nuint size;
        OpenCLException.ThrowIfFailed(GetDeviceInfo(device, param, 0, null, &size));
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) OpenCLException.ThrowIfFailed(GetDeviceInfo(device, param, size, p, null));
        return TrimNul(bytes);
    }

    /// <summary>A fixed-size (uint, ulong, size_t) device property.</summary>
    public static T DeviceValue<T>(nint device, uint param) where T : unmanaged
    {
        T value = default;
        OpenCLException.ThrowIfFailed(GetDeviceInfo(device, param, (nuint)sizeof(T), &value, null));
        return value;
    }

    private static string TrimNul(byte[] bytes) =>
        System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
}
