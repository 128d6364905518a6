// The CUDA backend on ILGPU: ILGPU compiles the [Kernel] methods from IL to PTX for the device and runs
// them through its CUDA runtime, which needs only the NVIDIA driver (no toolkit, no NVRTC). Every op comes
// from KernelAccelerator, which launches the same kernels the OpenCL backend runs as translated OpenCL C.
// Tests run this class on ILGPU's CPU accelerator too (CreateEmulated): the same IL, threads emulated.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Generated;
using VaeGpu.Kernels.Gpu;
using IlgpuAccelerator = ILGPU.Runtime.Accelerator;
using IlgpuCuda = ILGPU.Runtime.Cuda;

namespace VaeGpu.Kernels.Cuda;

/// <summary>Runs the op set on an NVIDIA GPU through ILGPU (or, in tests, on ILGPU's CPU accelerator).</summary>
public sealed partial class CudaAccelerator : KernelAccelerator
{
    private readonly Context _context;
    private readonly IlgpuAccelerator _device;
    private readonly CudaLauncher _launcher;

    private CudaAccelerator(Context context, IlgpuAccelerator device, AcceleratorInfo info)
    {
        _context = context;
        _device = device;
        Info = info;
        _launcher = new CudaLauncher(this, GeneratedKernels.All, GeneratedKernels.IlgpuBindings);
    }

    /// <inheritdoc/>
    public override AcceleratorKind Kind => AcceleratorKind.Cuda;

    /// <inheritdoc/>
    public override AcceleratorInfo Info { get; }

    /// <summary>True when this runs on ILGPU's CPU accelerator (a test backend), not on a GPU.</summary>
    public bool IsEmulated => _device.AcceleratorType == AcceleratorType.CPU;

    /// <summary>The ILGPU accelerator underneath (for ILGPU.Algorithms' libraries such as CuBlas).</summary>
    internal IlgpuAccelerator Device => _device;

    /// <inheritdoc/>
    protected override IKernelLauncher Launcher => _launcher;

    /// <summary>
    /// Creates the backend on CUDA device <paramref name="device"/>; throws
    /// <see cref="AcceleratorUnavailableException"/> with ILGPU's reason when there is none.
    /// </summary>
    public static Accelerator Create(int device)
    {
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        try
        {
            var devices = context.GetCudaDevices();
            if (devices.Count == 0) throw new AcceleratorUnavailableException(UnavailableReason());
            if (device < 0 || device >= devices.Count)
                throw new AcceleratorUnavailableException(
                    $"no CUDA device {device}: this machine has {devices.Count} (use 0..{devices.Count - 1})");
            IlgpuCuda.CudaDevice chosen = devices[device];
            IlgpuAccelerator accelerator;
            try
            {
                accelerator = chosen.CreateAccelerator(context);
            }
            catch (Exception e) when (e is IlgpuCuda.CudaException or NotSupportedException)
            {
                // The machine's state (device busy or prohibited, out of memory), not our code.
                throw new AcceleratorUnavailableException(
                    $"CUDA device {device} ({chosen.Name}) cannot be used: {e.Message}");
            }
            return new CudaAccelerator(context, accelerator, Describe(chosen, device));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// This backend on ILGPU's CPU accelerator, which emulates GPU threads (slow: small sizes only);
    /// <see cref="CPUDeviceKind.Nvidia"/> gives GPU-shaped groups of up to 1024 work-items.
    /// </summary>
    internal static CudaAccelerator CreateEmulated(CPUDeviceKind kind = CPUDeviceKind.Nvidia)
    {
        var context = Context.Create(builder => builder.CPU(kind).EnableAlgorithms());
        try
        {
            var accelerator = context.CreateCPUAccelerator(0);
            var info = new AcceleratorInfo(AcceleratorKind.Cuda, 0, $"ILGPU CPU accelerator ({kind})", "ILGPU",
                accelerator.MemorySize, Environment.ProcessorCount,
                $"emulated GPU threads, groups up to {accelerator.MaxNumThreadsPerGroup} (test backend)");
            return new CudaAccelerator(context, accelerator, info);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The CUDA devices ILGPU sees, or ILGPU's reason why there are none (never throws).</summary>
    public static BackendProbe Probe()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0) return BackendProbe.Missing(AcceleratorKind.Cuda, UnavailableReason());
            var infos = new List<AcceleratorInfo>();
            for (int i = 0; i < devices.Count; i++) infos.Add(Describe(devices[i], i));
            return new BackendProbe(AcceleratorKind.Cuda, infos, null);
        }
        catch (Exception e) when (e is IlgpuCuda.CudaException or NotSupportedException
                                      or DllNotFoundException or InvalidOperationException)
        {
            return BackendProbe.Missing(AcceleratorKind.Cuda, $"ILGPU failed to list CUDA devices: {e.Message}");
        }
    }

    /// <summary>Why ILGPU lists no CUDA device, in ILGPU's words (driver API, its status).</summary>
    private static string UnavailableReason()
    {
        var api = IlgpuCuda.CudaAPI.CurrentAPI;
        if (api is null || !api.IsSupported)
            return "ILGPU: Cuda is not supported on this platform (no NVIDIA driver library libcuda)";
        var status = api.GetDeviceCount(out int count);
        if (status != IlgpuCuda.CudaError.CUDA_SUCCESS)
            return $"ILGPU: cuDeviceGetCount failed with {status} ({api.GetErrorString(status)})";
        return count == 0
            ? "ILGPU: the NVIDIA driver reports no CUDA device"
            : $"ILGPU: the driver reports {count} device(s) but none has an architecture ILGPU supports";
    }

    private static AcceleratorInfo Describe(IlgpuCuda.CudaDevice device, int index) =>
        new(AcceleratorKind.Cuda, index, device.Name, "NVIDIA", device.MemorySize, device.NumMultiprocessors,
            $"{device.Architecture?.ToString() ?? "unknown architecture"}, driver {device.DriverVersion}, "
            + "PTX by ILGPU");

    /// <summary>
    /// Milliseconds the device spent on the work that <paramref name="work"/> enqueues, timed with ILGPU
    /// profiling markers around it on the default stream; waits for that work to finish.
    /// </summary>
    public double MeasureMilliseconds(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ThrowIfDisposed();
        using var start = _device.DefaultStream.AddProfilingMarker();
        work();
        using var end = _device.DefaultStream.AddProfilingMarker();
        end.Synchronize();
        return (end - start).TotalMilliseconds;
    }

    /// <inheritdoc/>
    protected override void DisposeDeviceCore()
    {
        _launcher.Dispose();
        _device.Dispose();
        _context.Dispose();
    }
}
