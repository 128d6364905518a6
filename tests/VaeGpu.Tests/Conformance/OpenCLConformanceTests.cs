// The conformance suite on the OpenCL backend (device 0; PoCL in CI), with the cpu backend's tolerances.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Conformance;

[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLConformanceTests(ITestOutputHelper output) : ConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}
