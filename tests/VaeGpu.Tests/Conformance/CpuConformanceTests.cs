// The conformance suite on the managed CPU backend. Another backend joins the same way: copy this
// file, change the kind in both places; its tests skip with the probe's reason where it is absent.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance;

[Backend(AcceleratorKind.Cpu)]
public sealed class CpuConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cpu);
}
