// Placeholder until the OpenCL backend lands (issue 6): reports itself as not built.
namespace VaeGpu.Kernels.OpenCL;

/// <summary>The OpenCL backend (not yet implemented in this build).</summary>
public static class OpenCLAccelerator
{
    /// <summary>Always unavailable in this build.</summary>
    public static BackendProbe Probe() =>
        BackendProbe.Missing(AcceleratorKind.OpenCL, "the OpenCL backend is not part of this build yet");

    /// <summary>Throws: not part of this build.</summary>
    public static Accelerator Create(int device) =>
        throw new AcceleratorUnavailableException("the OpenCL backend is not part of this build yet");
}
