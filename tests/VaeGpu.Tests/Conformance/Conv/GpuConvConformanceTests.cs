// The convolutional conformance suite on the kernel backends: OpenCL (device 0; PoCL in CI), CUDA
// (where a device exists) and the CUDA code path run by ILGPU's CPU accelerator (small sizes only).
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance.Conv;

[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

[Backend(AcceleratorKind.Cuda)]
public sealed class CudaConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}

public sealed class IlgpuCpuConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => CudaAccelerator.CreateEmulated();

    protected override bool SmallSizes => true;
}
