// The CUDA driver API (libcuda.so.1 / nvcuda.dll), hand-bound: one static class, raw calls that
// return CuResult and never throw. Handles are IntPtr, device pointers ulong (CUdeviceptr is 64-bit
// on every platform we run on), devices int. Load() must succeed before any call is made.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cuda;

/// <summary>CUdevice_attribute values we read.</summary>
internal enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxSharedMemoryPerBlock = 8,
    WarpSize = 10,
    ClockRate = 13,
    MultiprocessorCount = 16,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
}

/// <summary>Raw driver API entry points.</summary>
internal static unsafe class CuApi
{
    /// <summary>The names we try, in order, for the driver library.</summary>
    public static readonly IReadOnlyList<string> LibraryNames = OperatingSystem.IsWindows()
        ? ["nvcuda.dll"]
        : ["libcuda.so.1", "libcuda.so"];

    private static readonly Lazy<string?> LoadResult = new(LoadCore, LazyThreadSafetyMode.ExecutionAndPublication);

    private static delegate* unmanaged<uint, CuResult> s_init;
    private static delegate* unmanaged<int*, CuResult> s_driverGetVersion;
    private static delegate* unmanaged<int*, CuResult> s_deviceGetCount;
    private static delegate* unmanaged<int*, int, CuResult> s_deviceGet;
    private static delegate* unmanaged<byte*, int, int, CuResult> s_deviceGetName;
    private static delegate* unmanaged<nuint*, int, CuResult> s_deviceTotalMem;
    private static delegate* unmanaged<int*, CuDeviceAttribute, int, CuResult> s_deviceGetAttribute;
    private static delegate* unmanaged<IntPtr*, int, CuResult> s_primaryCtxRetain;
    private static delegate* unmanaged<int, CuResult> s_primaryCtxRelease;
    private static delegate* unmanaged<IntPtr, CuResult> s_ctxSetCurrent;
    private static delegate* unmanaged<CuResult> s_ctxSynchronize;
    private static delegate* unmanaged<ulong*, nuint, CuResult> s_memAlloc;
    private static delegate* unmanaged<ulong, CuResult> s_memFree;
    private static delegate* unmanaged<ulong, void*, nuint, CuResult> s_memcpyHtoD;
    private static delegate* unmanaged<void*, ulong, nuint, CuResult> s_memcpyDtoH;
    private static delegate* unmanaged<ulong, ulong, nuint, CuResult> s_memcpyDtoD;
    private static delegate* unmanaged<ulong, uint, nuint, CuResult> s_memsetD32;
    private static delegate* unmanaged<IntPtr*, void*, uint, int*, void**, CuResult> s_moduleLoadDataEx;
    private static delegate* unmanaged<IntPtr, CuResult> s_moduleUnload;
    private static delegate* unmanaged<IntPtr*, IntPtr, byte*, CuResult> s_moduleGetFunction;
    private static delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**,
        CuResult> s_launchKernel;
    private static delegate* unmanaged<IntPtr*, uint, CuResult> s_eventCreate;
    private static delegate* unmanaged<IntPtr, IntPtr, CuResult> s_eventRecord;
    private static delegate* unmanaged<IntPtr, CuResult> s_eventSynchronize;
    private static delegate* unmanaged<float*, IntPtr, IntPtr, CuResult> s_eventElapsedTime;
    private static delegate* unmanaged<IntPtr, CuResult> s_eventDestroy;
    private static delegate* unmanaged<CuResult, byte**, CuResult> s_getErrorName;

    /// <summary>The library file that loaded (valid after a successful <see cref="Load"/>).</summary>
    public static string LibraryPath { get; private set; } = "";

    /// <summary>Loads the driver once; returns null on success or why it could not be used.</summary>
    public static string? Load() => LoadResult.Value;

    private static string? LoadCore()
    {
        var lib = NativeLoader.Load(LibraryNames);
        if (!lib.IsLoaded)
            return $"no NVIDIA driver: {LibraryNames[0]} not found ({lib.Error})";
        var missing = new List<string>();
        s_init = (delegate* unmanaged<uint, CuResult>)lib.Require("cuInit", missing);
        s_driverGetVersion = (delegate* unmanaged<int*, CuResult>)lib.Require("cuDriverGetVersion", missing);
        s_deviceGetCount = (delegate* unmanaged<int*, CuResult>)lib.Require("cuDeviceGetCount", missing);
        s_deviceGet = (delegate* unmanaged<int*, int, CuResult>)lib.Require("cuDeviceGet", missing);
        s_deviceGetName = (delegate* unmanaged<byte*, int, int, CuResult>)lib.Require("cuDeviceGetName", missing);
        s_deviceTotalMem = (delegate* unmanaged<nuint*, int, CuResult>)lib.Require("cuDeviceTotalMem_v2", missing);
        s_deviceGetAttribute = (delegate* unmanaged<int*, CuDeviceAttribute, int, CuResult>)
            lib.Require("cuDeviceGetAttribute", missing);
        s_primaryCtxRetain = (delegate* unmanaged<IntPtr*, int, CuResult>)
            lib.Require("cuDevicePrimaryCtxRetain", missing);
        // CUDA 11 renamed the release call (same signature); older drivers only have the first name.
        var release = lib.Export("cuDevicePrimaryCtxRelease_v2");
        if (release == IntPtr.Zero) release = lib.Require("cuDevicePrimaryCtxRelease", missing);
        s_primaryCtxRelease = (delegate* unmanaged<int, CuResult>)release;
        s_ctxSetCurrent = (delegate* unmanaged<IntPtr, CuResult>)lib.Require("cuCtxSetCurrent", missing);
        s_ctxSynchronize = (delegate* unmanaged<CuResult>)lib.Require("cuCtxSynchronize", missing);
        s_memAlloc = (delegate* unmanaged<ulong*, nuint, CuResult>)lib.Require("cuMemAlloc_v2", missing);
        s_memFree = (delegate* unmanaged<ulong, CuResult>)lib.Require("cuMemFree_v2", missing);
        s_memcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, CuResult>)lib.Require("cuMemcpyHtoD_v2", missing);
        s_memcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, CuResult>)lib.Require("cuMemcpyDtoH_v2", missing);
        s_memcpyDtoD = (delegate* unmanaged<ulong, ulong, nuint, CuResult>)lib.Require("cuMemcpyDtoD_v2", missing);
        s_memsetD32 = (delegate* unmanaged<ulong, uint, nuint, CuResult>)lib.Require("cuMemsetD32_v2", missing);
        s_moduleLoadDataEx = (delegate* unmanaged<IntPtr*, void*, uint, int*, void**, CuResult>)
            lib.Require("cuModuleLoadDataEx", missing);
        s_moduleUnload = (delegate* unmanaged<IntPtr, CuResult>)lib.Require("cuModuleUnload", missing);
        s_moduleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, CuResult>)
            lib.Require("cuModuleGetFunction", missing);
        s_launchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**,
            void**, CuResult>)lib.Require("cuLaunchKernel", missing);
        s_eventCreate = (delegate* unmanaged<IntPtr*, uint, CuResult>)lib.Require("cuEventCreate", missing);
        s_eventRecord = (delegate* unmanaged<IntPtr, IntPtr, CuResult>)lib.Require("cuEventRecord", missing);
        s_eventSynchronize = (delegate* unmanaged<IntPtr, CuResult>)lib.Require("cuEventSynchronize", missing);
        s_eventElapsedTime = (delegate* unmanaged<float*, IntPtr, IntPtr, CuResult>)
            lib.Require("cuEventElapsedTime", missing);
        var destroy = lib.Export("cuEventDestroy_v2");
        if (destroy == IntPtr.Zero) destroy = lib.Require("cuEventDestroy", missing);
        s_eventDestroy = (delegate* unmanaged<IntPtr, CuResult>)destroy;
        s_getErrorName = (delegate* unmanaged<CuResult, byte**, CuResult>)lib.Require("cuGetErrorName", missing);
        if (missing.Count > 0)
            return $"the NVIDIA driver {lib.Path} is too old: it lacks {string.Join(", ", missing)}";
        LibraryPath = lib.Path;
        return null;
    }

    public static CuResult cuInit(uint flags) => s_init(flags);
    public static CuResult cuDriverGetVersion(out int version)
    {
        int v; var r = s_driverGetVersion(&v); version = v; return r;
    }
    public static CuResult cuDeviceGetCount(out int count)
    {
        int c; var r = s_deviceGetCount(&c); count = c; return r;
    }
    public static CuResult cuDeviceGet(out int device, int ordinal)
    {
        int d; var r = s_deviceGet(&d, ordinal); device = d; return r;
    }
    public static CuResult cuDeviceGetName(byte* name, int length, int device) => s_deviceGetName(name, length, device);
    public static CuResult cuDeviceTotalMem(out long bytes, int device)
    {
        nuint b; var r = s_deviceTotalMem(&b, device); bytes = (long)b; return r;
    }
    public static CuResult cuDeviceGetAttribute(out int value, CuDeviceAttribute attribute, int device)
    {
        int v; var r = s_deviceGetAttribute(&v, attribute, device); value = v; return r;
    }
    public static CuResult cuDevicePrimaryCtxRetain(out IntPtr context, int device)
    {
        IntPtr c; var r = s_primaryCtxRetain(&c, device); context = c; return r;
    }
    public static CuResult cuDevicePrimaryCtxRelease(int device) => s_primaryCtxRelease(device);
    public static CuResult cuCtxSetCurrent(IntPtr context) => s_ctxSetCurrent(context);
    public static CuResult cuCtxSynchronize() => s_ctxSynchronize();
    public static CuResult cuMemAlloc(out ulong pointer, nuint bytes)
    {
        ulong p; var r = s_memAlloc(&p, bytes); pointer = p; return r;
    }
    public static CuResult cuMemFree(ulong pointer) => s_memFree(pointer);
    public static CuResult cuMemcpyHtoD(ulong destination, void* source, nuint bytes) =>
        s_memcpyHtoD(destination, source, bytes);
    public static CuResult cuMemcpyDtoH(void* destination, ulong source, nuint bytes) =>
        s_memcpyDtoH(destination, source, bytes);
    public static CuResult cuMemcpyDtoD(ulong destination, ulong source, nuint bytes) =>
        s_memcpyDtoD(destination, source, bytes);
    public static CuResult cuMemsetD32(ulong destination, uint value, nuint count) =>
        s_memsetD32(destination, value, count);
    public static CuResult cuModuleLoadDataEx(out IntPtr module, void* image, uint optionCount, int* options,
        void** optionValues)
    {
        IntPtr m; var r = s_moduleLoadDataEx(&m, image, optionCount, options, optionValues); module = m; return r;
    }
    public static CuResult cuModuleUnload(IntPtr module) => s_moduleUnload(module);
    public static CuResult cuModuleGetFunction(out IntPtr function, IntPtr module, byte* name)
    {
        IntPtr f; var r = s_moduleGetFunction(&f, module, name); function = f; return r;
    }
    public static CuResult cuLaunchKernel(IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX,
        uint blockY, uint blockZ, uint sharedBytes, IntPtr stream, void** parameters, void** extra) =>
        s_launchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, stream, parameters, extra);
    public static CuResult cuEventCreate(out IntPtr cuEvent, uint flags)
    {
        IntPtr e; var r = s_eventCreate(&e, flags); cuEvent = e; return r;
    }
    public static CuResult cuEventRecord(IntPtr cuEvent, IntPtr stream) => s_eventRecord(cuEvent, stream);
    public static CuResult cuEventSynchronize(IntPtr cuEvent) => s_eventSynchronize(cuEvent);
    public static CuResult cuEventElapsedTime(out float milliseconds, IntPtr start, IntPtr end)
    {
        float ms; var r = s_eventElapsedTime(&ms, start, end); milliseconds = ms; return r;
    }
    public static CuResult cuEventDestroy(IntPtr cuEvent) => s_eventDestroy(cuEvent);

    /// <summary>CUDA's name for a status ("CUDA_ERROR_NO_DEVICE"), from the driver when it knows it.</summary>
    public static string ErrorName(CuResult result)
    {
        if (s_getErrorName != null)
        {
            byte* text;
            if (s_getErrorName(result, &text) == CuResult.CUDA_SUCCESS && text != null)
                return Marshal.PtrToStringUTF8((IntPtr)text) ?? result.ToString();
        }
        return Enum.IsDefined(result) ? result.ToString() : $"CUresult {(int)result}";
    }
}
