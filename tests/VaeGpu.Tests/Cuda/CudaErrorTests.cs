// Messages of failed CUDA calls name the call and CUDA's code, and the compile target is chosen
// from what the device is and what NVRTC supports: checked without a GPU.
using VaeGpu.Kernels.Cuda;

namespace VaeGpu.Tests.Cuda;

public sealed class CudaErrorTests
{
    [Fact]
    public void DriverFailuresNameTheCallAndTheCode()
    {
        int bytes = 1 << 20;
        var error = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed(Fails(bytes)));
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", error.Code);
        Assert.Equal("Fails(bytes)", error.Call);
        Assert.Equal("Fails(bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)", error.Message);
        CudaException.ThrowIfFailed(CuResult.CUDA_SUCCESS);
    }

    [Fact]
    public void StickyKernelFaultsSayTheyMayComeFromAnEarlierLaunch()
    {
        var error = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed(CuResult.CUDA_ERROR_ILLEGAL_ADDRESS));
        Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS (700)", error.Message);
        Assert.Contains("earlier", error.Message);
    }

    [Fact]
    public void UnknownCodesStillShowTheNumber()
    {
        var error = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed((CuResult)12345));
        Assert.Contains("12345", error.Message);
    }

    [Fact]
    public void NvrtcFailuresNameTheCode()
    {
        var error = Assert.Throws<CudaException>(() =>
            CudaException.ThrowIfFailed(NvrtcResult.NVRTC_ERROR_INVALID_OPTION));
        Assert.Equal("NVRTC_ERROR_INVALID_OPTION", error.Code);
        Assert.Contains("(5)", error.Message);
    }

    [Fact]
    public void CompileLogIsPartOfTheMessage()
    {
        var error = new CudaException("NVRTC could not compile", "nvrtcCompileProgram", "NVRTC_ERROR_COMPILATION",
            "kernels.cu(3): error: identifier \"x\" is undefined");
        Assert.Contains("identifier \"x\" is undefined", error.Message);
        Assert.Equal("kernels.cu(3): error: identifier \"x\" is undefined", error.Log);
    }

    [Theory]
    [InlineData(8, 9, null, 89)]                                // NVRTC cannot list: use the device's own
    [InlineData(8, 9, new[] { 50, 60, 70, 75, 80, 86, 89, 90 }, 89)]
    [InlineData(9, 0, new[] { 50, 60, 70, 75, 80, 86, 87 }, 87)]   // older NVRTC, newer GPU: newest it knows
    [InlineData(8, 6, new[] { 90, 80, 75 }, 80)]                // unsorted list
    [InlineData(12, 0, new[] { 75, 80, 90, 100, 120 }, 120)]
    public void TargetIsTheNewestSupportedNotAboveTheDevice(int major, int minor, int[]? supported, int expected) =>
        Assert.Equal(expected, CudaCompiler.TargetArchitecture(major, minor, supported));

    [Fact]
    public void DeviceOlderThanEveryNvrtcTargetIsRefused()
    {
        var error = Assert.Throws<CudaException>(() => CudaCompiler.TargetArchitecture(3, 5, [50, 60, 70]));
        Assert.Contains("compute capability 3.5", error.Message);
    }

    private static CuResult Fails(int bytes) => bytes > 0 ? CuResult.CUDA_ERROR_OUT_OF_MEMORY : CuResult.CUDA_SUCCESS;
}
