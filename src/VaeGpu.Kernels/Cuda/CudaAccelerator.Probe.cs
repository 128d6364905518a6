// Finding CUDA on this machine without throwing: the driver library, cuInit, the devices, NVRTC.
// Each missing piece gives one sentence naming it, which `devices`, the tests' skip reasons and
// `--accelerator cuda` all show as is.
using System.Text;

namespace VaeGpu.Kernels.Cuda;

/// <summary>What the driver says about one device.</summary>
internal sealed record CudaDeviceFacts(string Name, long MemoryBytes, int Multiprocessors, int Major, int Minor,
    int MaxThreadsPerBlock, int DriverVersion)
{
    public AcceleratorInfo ToInfo(int index, string extra) => new(AcceleratorKind.Cuda, index, Name, "NVIDIA",
        MemoryBytes, Multiprocessors, $"compute {Major}.{Minor}, driver CUDA {DriverVersion / 1000}.{DriverVersion % 1000 / 10}"
        + (extra.Length > 0 ? $", {extra}" : ""));
}

public sealed partial class CudaAccelerator
{
    /// <summary>The CUDA devices, or why there are none usable (never throws for missing hardware or libraries).</summary>
    public static BackendProbe Probe()
    {
        var facts = Devices(out var reason);
        if (reason is not null) return BackendProbe.Missing(AcceleratorKind.Cuda, reason);
        var infos = new List<AcceleratorInfo>();
        for (int i = 0; i < facts.Count; i++)
            infos.Add(facts[i].ToInfo(i, $"NVRTC {NvrtcVersion()}"));
        return new BackendProbe(AcceleratorKind.Cuda, infos, null);
    }

    /// <summary>Every device's facts; <paramref name="reason"/> says what is missing when CUDA cannot run here.</summary>
    internal static IReadOnlyList<CudaDeviceFacts> Devices(out string? reason)
    {
        try
        {
            return DevicesCore(out reason);
        }
        catch (CudaException e)
        {
            reason = $"the NVIDIA driver failed while listing devices: {e.Message}";
            return [];
        }
    }

    private static IReadOnlyList<CudaDeviceFacts> DevicesCore(out string? reason)
    {
        reason = CuApi.Load();
        if (reason is not null) return [];
        var init = CuApi.cuInit(0);
        if (init != CuResult.CUDA_SUCCESS)
        {
            reason = init == CuResult.CUDA_ERROR_NO_DEVICE
                ? $"the NVIDIA driver ({CuApi.LibraryPath}) is installed but sees no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"
                : $"cuInit failed: {CudaException.Failed(init, "cuInit(0)").Message}";
            return [];
        }
        CudaException.ThrowIfFailed(CuApi.cuDriverGetVersion(out var driver));
        CudaException.ThrowIfFailed(CuApi.cuDeviceGetCount(out var count));
        if (count == 0)
        {
            reason = $"the NVIDIA driver ({CuApi.LibraryPath}) is installed but reports no CUDA device";
            return [];
        }
        var facts = new List<CudaDeviceFacts>(count);
        for (int i = 0; i < count; i++) facts.Add(Facts(i, driver));

        var nvrtc = NvrtcApi.Load();
        if (nvrtc is not null)
        {
            var names = string.Join(", ", facts.Select(f => f.Name));
            reason = $"found {count} CUDA device(s) ({names}) but cannot compile kernels for them: {nvrtc}";
            return [];
        }
        return facts;
    }

    private static unsafe CudaDeviceFacts Facts(int ordinal, int driver)
    {
        CudaException.ThrowIfFailed(CuApi.cuDeviceGet(out var device, ordinal));
        var name = new byte[256];
        fixed (byte* p = name)
            CudaException.ThrowIfFailed(CuApi.cuDeviceGetName(p, name.Length, device));
        int end = Array.IndexOf(name, (byte)0);
        CudaException.ThrowIfFailed(CuApi.cuDeviceTotalMem(out var memory, device));
        return new CudaDeviceFacts(Encoding.UTF8.GetString(name, 0, end < 0 ? name.Length : end), memory,
            Attribute(CuDeviceAttribute.MultiprocessorCount, device),
            Attribute(CuDeviceAttribute.ComputeCapabilityMajor, device),
            Attribute(CuDeviceAttribute.ComputeCapabilityMinor, device),
            Attribute(CuDeviceAttribute.MaxThreadsPerBlock, device), driver);
    }

    private static int Attribute(CuDeviceAttribute attribute, int device)
    {
        var status = CuApi.cuDeviceGetAttribute(out var value, attribute, device);
        if (status != CuResult.CUDA_SUCCESS) throw CudaException.Failed(status, $"cuDeviceGetAttribute({attribute})");
        return value;
    }

    private static string NvrtcVersion() =>
        NvrtcApi.nvrtcVersion(out var major, out var minor) == NvrtcResult.NVRTC_SUCCESS
            ? $"{major}.{minor} ({NvrtcApi.LibraryPath})"
            : NvrtcApi.LibraryPath;
}
