// What the source generator emits for each [Kernel] method and what the GPU backends consume:
// the OpenCL C text and the parameter list the launch helpers follow (ILGPU compiles the method itself).
namespace VaeGpu.Kernels.Device;

/// <summary>How a kernel parameter is passed.</summary>
public enum KernelParameterKind
{
    /// <summary>
    /// Buf&lt;float&gt;: a device pointer plus an int element offset (two device arguments).
    /// </summary>
    FloatBuffer,
    /// <summary>Buf&lt;int&gt;.</summary>
    IntBuffer,
    /// <summary>Buf&lt;uint&gt;.</summary>
    UIntBuffer,
    /// <summary>Buf&lt;byte&gt;.</summary>
    ByteBuffer,
    /// <summary>A 32-bit signed scalar.</summary>
    Int,
    /// <summary>A 32-bit unsigned scalar.</summary>
    UInt,
    /// <summary>A 32-bit float scalar.</summary>
    Float,
}

/// <summary>One parameter of a kernel, in declaration order (the KernelContext is not listed).</summary>
public sealed record KernelParameter(string Name, KernelParameterKind Kind);

/// <summary>A translated kernel: its name (the C# method's), OpenCL C text, and parameters.</summary>
public sealed record KernelSource(
    int Id, string Name, string OpenCL, IReadOnlyList<KernelParameter> Parameters, bool UsesBarrier);

/// <summary>
/// Launch geometry: global work-items and work-group size per dimension (global is a multiple of local).
/// </summary>
public readonly record struct LaunchDims(int GlobalX, int GlobalY, int LocalX, int LocalY)
{
    /// <summary>
    /// A 1-D launch of at least <paramref name="n"/> work-items in groups of <paramref name="local"/>.
    /// </summary>
    public static LaunchDims Cover(int n, int local) => new(RoundUp(n, local), 1, local, 1);

    /// <summary>A 2-D launch covering x by y work-items.</summary>
    public static LaunchDims Cover(int x, int y, int localX, int localY) =>
        new(RoundUp(x, localX), RoundUp(y, localY), localX, localY);

    private static int RoundUp(int n, int m) => (n + m - 1) / m * m;
}

/// <summary>
/// Implemented by the OpenCL and CUDA backends: the generated launch helpers call Begin, set each argument
/// in parameter order (a buffer takes the view: OpenCL passes pointer and offset, ILGPU a sub-view), then
/// Launch.
/// Not thread-safe.
/// </summary>
public interface IKernelLauncher
{
    /// <summary>Selects the kernel with this generated id.</summary>
    void Begin(int kernelId);
    /// <summary>
    /// Sets buffer parameter <paramref name="index"/> (index in <see cref="KernelSource.Parameters"/>).
    /// </summary>
    void SetBuffer<T>(int index, BufferView<T> view) where T : unmanaged;
    /// <summary>Sets an int parameter.</summary>
    void SetInt(int index, int value);
    /// <summary>Sets a uint parameter.</summary>
    void SetUInt(int index, uint value);
    /// <summary>Sets a float parameter.</summary>
    void SetFloat(int index, float value);
    /// <summary>Enqueues the kernel; does not wait.</summary>
    void Launch(in LaunchDims dims);
}
