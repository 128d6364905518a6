// Creating accelerators by kind, and probing which backends and devices this machine has.
namespace VaeGpu.Kernels;

/// <summary>Thrown when a backend or device is absent; the message says exactly what is missing.</summary>
public sealed class AcceleratorUnavailableException(string message) : Exception(message);

/// <summary>One backend's probe: its devices, or why there are none.</summary>
public sealed record BackendProbe(
    AcceleratorKind Kind, IReadOnlyList<AcceleratorInfo> Devices, string? Unavailable)
{
    /// <summary>A backend that cannot run here, with the reason.</summary>
    public static BackendProbe Missing(AcceleratorKind kind, string reason) => new(kind, [], reason);
}

/// <summary>Entry point for choosing a backend.</summary>
public static class Accelerators
{
    /// <summary>
    /// Creates an accelerator; throws <see cref="AcceleratorUnavailableException"/> when absent.
    /// </summary>
    public static Accelerator Create(AcceleratorKind kind, int device = 0, int threads = 0) => kind switch
    {
        AcceleratorKind.Cpu => new Cpu.CpuAccelerator(threads),
        AcceleratorKind.OpenCL => OpenCL.OpenCLAccelerator.Create(device),
        AcceleratorKind.Cuda => Cuda.CudaAccelerator.Create(device),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Probes every backend; never throws for missing hardware or libraries.</summary>
    public static IReadOnlyList<BackendProbe> Probe() =>
        [Cpu.CpuAccelerator.Probe(), OpenCL.OpenCLAccelerator.Probe(), Cuda.CudaAccelerator.Probe()];

    /// <summary>Parses "cpu", "opencl" or "cuda".</summary>
    public static bool TryParseKind(string text, out AcceleratorKind kind)
    {
        switch (text.ToLowerInvariant())
        {
            case "cpu": kind = AcceleratorKind.Cpu; return true;
            case "opencl": kind = AcceleratorKind.OpenCL; return true;
            case "cuda": kind = AcceleratorKind.Cuda; return true;
            default: kind = default; return false;
        }
    }
}
