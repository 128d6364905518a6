// The convolutional conformance suite on the kernel backends: OpenCL (device 0; PoCL in CI), CUDA
// (where a device exists) and the CUDA code path run by ILGPU's CPU accelerator (small sizes only); then
// OpenCL and ILGPU's CPU accelerator again with a tiny conv workspace, so the GEMM convolutions' chunking
// and their GEMM weight gradient meet every case.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Gpu;
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

/// <summary>
/// The suite on OpenCL with a conv workspace of 2,500 floats, so that most batches span several chunks
/// (one sample each, or two and a remainder), and with every weight gradient on the GEMM path.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLChunkedConvConformanceTests(ITestOutputHelper output) : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() =>
        GpuConvChunking.Chunked(Accelerators.Create(AcceleratorKind.OpenCL));
}

/// <summary>The chunked suite on ILGPU's CPU accelerator (small sizes).</summary>
public sealed class IlgpuCpuChunkedConvConformanceTests(ITestOutputHelper output)
    : ConvConformanceSuite(output)
{
    protected override Accelerator CreateAccelerator() =>
        GpuConvChunking.Chunked(CudaAccelerator.CreateEmulated());

    protected override bool SmallSizes => true;
}

internal static class GpuConvChunking
{
    /// <summary>A workspace budget below one sample of most cases and near two of some.</summary>
    public const int WorkspaceFloats = 2500;

    public static Accelerator Chunked(Accelerator accelerator)
    {
        var kernels = (KernelAccelerator)accelerator;
        kernels.ConvWorkspaceFloats = WorkspaceFloats;
        kernels.DirectThinWeightGradients = false;
        return accelerator;
    }
}
