// The conformance suite on the managed CPU backend.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance;

[Backend(AcceleratorKind.Cpu)]
public sealed class CpuConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cpu);
}
