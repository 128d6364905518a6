// The convolutional conformance suite on the managed CPU backend (the kernel backends' subclasses are
// in GpuConvConformanceTests.cs).
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance.Conv;

[Backend(AcceleratorKind.Cpu)]
public sealed class CpuConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cpu);
}
