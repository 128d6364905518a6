// What kind of backend an accelerator is, and the facts about its device that users see.
namespace VaeGpu.Kernels;

/// <summary>The backend families VaeGpu can run on.</summary>
public enum AcceleratorKind
{
    /// <summary>The managed CPU backend (SIMD, multithreaded).</summary>
    Cpu,
    /// <summary>Any OpenCL 1.2 device through the ICD loader.</summary>
    OpenCL,
    /// <summary>NVIDIA GPUs through ILGPU (PTX from the C# kernels; needs only the driver).</summary>
    Cuda,
}

/// <summary>
/// A device as listed by <c>devices</c>: backend, index within the backend, name and facts.
/// </summary>
public sealed record AcceleratorInfo(
    AcceleratorKind Kind, int Index, string Name, string Vendor, long MemoryBytes, int ComputeUnits,
    string Details);
