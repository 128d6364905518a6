// Finding OpenCL devices: every device of every platform under one flat index (what `devices` lists and
// `--device N` picks), and a probe that says precisely why there is none.
using VaeGpu.Kernels.Gpu;

namespace VaeGpu.Kernels.OpenCL;

public sealed unsafe partial class OpenCLAccelerator
{
    /// <summary>One device found on this machine, with its flat index.</summary>
    internal readonly record struct DeviceEntry(int Index, nint Platform, nint Device, AcceleratorInfo Info);

    /// <summary>Lists the OpenCL devices, or says why there are none.</summary>
    public static BackendProbe Probe()
    {
        try
        {
            var devices = Enumerate(out string? reason);
            return reason is not null
                ? BackendProbe.Missing(AcceleratorKind.OpenCL, reason)
                : new BackendProbe(AcceleratorKind.OpenCL, devices.Select(d => d.Info).ToArray(), null);
        }
        catch (OpenCLException e)
        {
            return BackendProbe.Missing(AcceleratorKind.OpenCL,
                $"querying OpenCL devices failed: {e.Message}");
        }
    }

    /// <summary>Creates the accelerator for device <paramref name="device"/> of the flat list.</summary>
    public static OpenCLAccelerator Create(int device) => Create(device, null);

    /// <summary>
    /// As <see cref="Create(int)"/> with the GEMM tile sizes given instead of chosen for the device (null:
    /// chosen), as CLBlast's parameter override; for tuning. Invalid sizes throw ArgumentException.
    /// </summary>
    public static OpenCLAccelerator Create(int device, GemmTiling? tiling)
    {
        var devices = Enumerate(out string? reason);
        if (reason is not null)
            throw new AcceleratorUnavailableException($"OpenCL is not available: {reason}");
        if (device < 0 || device >= devices.Count)
            throw new AcceleratorUnavailableException(
                $"OpenCL device {device} does not exist; this machine has devices 0..{devices.Count - 1} "
                + $"({string.Join(", ", devices.Select(d => $"{d.Index}: {d.Info.Name}"))})");
        return new OpenCLAccelerator(devices[device], tiling);
    }

    private static readonly object EnumerationLock = new();
    private static (IReadOnlyList<DeviceEntry> Devices, string? Reason)? _enumeration;

    /// <summary>
    /// Every device of every platform in platform order; reason is set when there are none. Enumerated once
    /// per process under a lock: PoCL 3.1 crashed when two threads queried device strings at once.
    /// </summary>
    internal static IReadOnlyList<DeviceEntry> Enumerate(out string? reason)
    {
        lock (EnumerationLock)
        {
            _enumeration ??= EnumerateCore();
            reason = _enumeration.Value.Reason;
            return _enumeration.Value.Devices;
        }
    }

    private static (IReadOnlyList<DeviceEntry>, string?) EnumerateCore()
    {
        string? reason;
        var result = new List<DeviceEntry>();
        if (ClApi.LoadError is not null)
        {
            return (result, ClApi.LoadError);
        }
        uint platformCount;
        var status = ClApi.GetPlatformIDs(0, null, &platformCount);
        if (status == ClStatus.PlatformNotFoundKhr || (status == ClStatus.Success && platformCount == 0))
        {
            return (result,
                "the OpenCL loader found no platform (no driver is installed; on Debian: pocl-opencl-icd)");
        }
        OpenCLException.ThrowIfFailed(status);
        var platforms = new nint[platformCount];
        fixed (nint* p = platforms)
            OpenCLException.ThrowIfFailed(ClApi.GetPlatformIDs(platformCount, p, null));
        var empty = new List<string>();
        foreach (var platform in platforms)
        {
            string platformName = ClApi.PlatformString(platform, ClApi.PlatformName);
            uint deviceCount;
            status = ClApi.GetDeviceIDs(platform, ClApi.DeviceTypeAll, 0, null, &deviceCount);
            if (status == ClStatus.DeviceNotFound || deviceCount == 0)
            {
                empty.Add(platformName);
                continue;
            }
            OpenCLException.ThrowIfFailed(status);
            var ids = new nint[deviceCount];
            fixed (nint* d = ids)
                OpenCLException.ThrowIfFailed(
                    ClApi.GetDeviceIDs(platform, ClApi.DeviceTypeAll, deviceCount, d, null));
            foreach (var id in ids)
            {
                var info = Describe(result.Count, platformName, id);
                result.Add(new DeviceEntry(result.Count, platform, id, info));
            }
        }
        reason = result.Count == 0
            ? $"the OpenCL platforms ({string.Join(", ", empty)}) have no devices"
            : null;
        return (result, reason);
    }

    private static AcceleratorInfo Describe(int index, string platformName, nint device)
    {
        string version = ClApi.DeviceString(device, ClApi.DeviceVersion);
        string driver = ClApi.DeviceString(device, ClApi.DriverVersion);
        long workGroup = (long)ClApi.DeviceValue<nuint>(device, ClApi.DeviceMaxWorkGroupSize);
        ulong local = ClApi.DeviceValue<ulong>(device, ClApi.DeviceLocalMemSize);
        return new AcceleratorInfo(AcceleratorKind.OpenCL, index,
            ClApi.DeviceString(device, ClApi.DeviceName),
            ClApi.DeviceString(device, ClApi.DeviceVendor),
            (long)ClApi.DeviceValue<ulong>(device, ClApi.DeviceGlobalMemSize),
            (int)ClApi.DeviceValue<uint>(device, ClApi.DeviceMaxComputeUnits),
            $"{version}; platform {platformName}; driver {driver}; work-groups up to {workGroup}; "
            + $"local memory {local / 1024} KiB");
    }
}
