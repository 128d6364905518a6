// cuLaunchKernel's argument block, checked without a GPU: a Buf<T> parameter becomes the device
// pointer then the int element offset, scalars keep their bits, every parameter must be set since
// Begin, types must match the generated signature, and launch geometry that only a bug can produce
// is refused with the kernel's name before the driver is called.
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Device;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

public sealed class CudaKernelArgumentTests(ITestOutputHelper output)
{
    private static KernelSource Source() => new(0, "Probe", "", "",
    [
        new("y", KernelParameterKind.FloatBuffer), new("n", KernelParameterKind.Int),
        new("data", KernelParameterKind.ByteBuffer), new("scale", KernelParameterKind.Float),
        new("seed", KernelParameterKind.UInt), new("idx", KernelParameterKind.IntBuffer),
    ], false);

    [Fact]
    public void BuffersArePointerThenOffsetAndScalarsKeepTheirBits()
    {
        int runSeed = Random.Shared.Next();
        output.WriteLine($"random arguments from seed {runSeed}");
        var rng = new Random(runSeed);
        ulong yPtr = (ulong)rng.NextInt64(1, long.MaxValue), dataPtr = (ulong)rng.NextInt64(1, long.MaxValue);
        ulong idxPtr = (ulong)rng.NextInt64(1, long.MaxValue);
        int yOff = rng.Next(), n = rng.Next(int.MinValue, int.MaxValue), dataOff = rng.Next(), idxOff = rng.Next();
        float scale = (float)(rng.NextDouble() * 2 - 1);
        uint seed = (uint)rng.NextInt64(0, uint.MaxValue);
        using var kernel = new CudaKernel(Source(), IntPtr.Zero);
        kernel.Reset();
        kernel.SetBuffer(0, yPtr, yOff, KernelParameterKind.FloatBuffer);
        kernel.SetInt(1, n);
        kernel.SetBuffer(2, dataPtr, dataOff, KernelParameterKind.ByteBuffer);
        kernel.SetFloat(3, scale);
        kernel.SetUInt(4, seed);
        kernel.SetBuffer(5, idxPtr, idxOff, KernelParameterKind.IntBuffer);

        Assert.Equal(9, kernel.ArgumentCount);
        Assert.Equal(yPtr, kernel.RawArgument(0));
        Assert.Equal(yOff, (int)kernel.RawArgument(1));
        Assert.Equal(n, (int)kernel.RawArgument(2));
        Assert.Equal(dataPtr, kernel.RawArgument(3));
        Assert.Equal(dataOff, (int)kernel.RawArgument(4));
        Assert.Equal(BitConverter.SingleToUInt32Bits(scale), (uint)kernel.RawArgument(5));
        Assert.Equal(seed, (uint)kernel.RawArgument(6));
        Assert.Equal(idxPtr, kernel.RawArgument(7));
        Assert.Equal(idxOff, (int)kernel.RawArgument(8));
    }

    [Fact]
    public void LaunchWithAMissingArgumentNamesIt()
    {
        using var kernel = new CudaKernel(Source(), IntPtr.Zero);
        kernel.Reset();
        kernel.SetBuffer(0, 1, 0, KernelParameterKind.FloatBuffer);
        kernel.SetInt(1, 5);
        var error = Assert.Throws<InvalidOperationException>(() => kernel.Launch(LaunchDims.Cover(5, 64), 1024));
        Assert.Contains("parameter 2 (data)", error.Message);
        Assert.Contains("Probe", error.Message);
    }

    [Fact]
    public void MismatchedTypesAndIndicesAreRefused()
    {
        using var kernel = new CudaKernel(Source(), IntPtr.Zero);
        var typeError = Assert.Throws<ArgumentException>(() => kernel.SetFloat(1, 1f));
        Assert.Contains("parameter 1 (n) is Int, set as Float", typeError.Message);
        Assert.Throws<ArgumentException>(() => kernel.SetBuffer(2, 1, 0, KernelParameterKind.FloatBuffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.SetInt(6, 0));
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1u, 1u)]
    [InlineData(256, 1, 64, 1, 4u, 1u)]
    [InlineData(96, 40, 32, 8, 3u, 5u)]
    [InlineData(1024 * 7919, 1, 1024, 1, 7919u, 1u)]
    public void GridIsGlobalOverLocal(int gx, int gy, int lx, int ly, uint bx, uint by) =>
        Assert.Equal((bx, by), CudaKernel.Grid(new LaunchDims(gx, gy, lx, ly), 1024, "k"));

    [Theory]
    [InlineData(100, 1, 64, 1)]   // global not a multiple of local
    [InlineData(2048, 1, 2048, 1)] // more threads per block than the device has
    [InlineData(64, 64, 64, 32)]
    [InlineData(0, 1, 64, 1)]
    public void BadGeometryIsRefusedWithTheKernelName(int gx, int gy, int lx, int ly)
    {
        var error = Assert.Throws<ArgumentException>(() => CudaKernel.Grid(new LaunchDims(gx, gy, lx, ly), 1024, "Gemm"));
        Assert.Contains("kernel Gemm", error.Message);
    }
}
