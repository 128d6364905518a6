// The convolutional conformance suite on the managed CPU backend. The opencl and ILGPU-CPU subclasses
// join when the GPU kernels of these ops exist (see the README's status of issue 15).
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance.Conv;

[Backend(AcceleratorKind.Cpu)]
public sealed class CpuConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cpu);
}
