// Placeholder until the CUDA backend lands (issue 7): reports itself as not built.
namespace VaeGpu.Kernels.Cuda;

/// <summary>The CUDA backend (not yet implemented in this build).</summary>
public static class CudaAccelerator
{
    /// <summary>Always unavailable in this build.</summary>
    public static BackendProbe Probe() =>
        BackendProbe.Missing(AcceleratorKind.Cuda, "the CUDA backend is not part of this build yet");

    /// <summary>Throws: not part of this build.</summary>
    public static Accelerator Create(int device) =>
        throw new AcceleratorUnavailableException("the CUDA backend is not part of this build yet");
}
