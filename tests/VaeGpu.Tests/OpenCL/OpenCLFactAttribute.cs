// [OpenCLFact] / [OpenCLTheory]: skip, with the probe's reason, where this machine has no OpenCL device.
// For test classes without [Backend(AcceleratorKind.OpenCL)] (the translator tests use these).
using VaeGpu.Kernels.OpenCL;

namespace VaeGpu.Tests.OpenCL;

/// <summary>
/// Runs the test only when an OpenCL device exists; otherwise skips saying why there is none.
/// </summary>
public sealed class OpenCLFactAttribute : FactAttribute
{
    private static readonly string? Unavailable = OpenCLAccelerator.Probe().Unavailable;

    /// <summary>Sets Skip from the OpenCL probe.</summary>
    public OpenCLFactAttribute()
    {
        if (Unavailable is not null) Skip = $"no OpenCL device: {Unavailable}";
    }
}

/// <summary>A [Theory] that skips like <see cref="OpenCLFactAttribute"/>.</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    private static readonly string? Unavailable = OpenCLAccelerator.Probe().Unavailable;

    /// <summary>Sets Skip from the OpenCL probe.</summary>
    public OpenCLTheoryAttribute()
    {
        if (Unavailable is not null) Skip = $"no OpenCL device: {Unavailable}";
    }
}
