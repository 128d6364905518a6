// The conformance suite on the CUDA backend (skipped, with the probe's reason, where there is no usable NVIDIA GPU).
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance;

[Backend(AcceleratorKind.Cuda)]
public sealed class CudaConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}
