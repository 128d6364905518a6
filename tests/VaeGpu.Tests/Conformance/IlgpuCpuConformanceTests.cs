// The conformance suite on the CUDA backend's code path run by ILGPU's CPU accelerator: the same
// [Kernel] IL that ILGPU compiles to PTX, with GPU threads emulated (GPU-shaped groups of up to 1024).
// Needs no device, so it always runs; it is slow per launch, so the suite's sizes stay small.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance;

public sealed class IlgpuCpuConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => CudaAccelerator.CreateEmulated();

    protected override bool SmallSizes => true;
}
