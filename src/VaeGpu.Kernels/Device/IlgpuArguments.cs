// The staged arguments of one ILGPU launch: the generated launch helpers set them in parameter order
// through IKernelLauncher, and the generated Bind<Name> invoker reads them back typed. Buffers are kept as
// (ILGPU buffer, offset, length) and become zero-based views here, so a launch allocates nothing.
using ILGPU;
using ILGPU.Runtime;

namespace VaeGpu.Kernels.Device;

/// <summary>Launches a kernel loaded by ILGPU with the arguments staged in an <see cref="IlgpuArguments"/>.</summary>
public delegate void IlgpuInvoker(AcceleratorStream stream, KernelConfig config, IlgpuArguments args);

/// <summary>A kernel method and the generated binder that makes its typed ILGPU launcher.</summary>
public sealed record IlgpuBinding(System.Reflection.MethodInfo Method, Func<Kernel, IlgpuInvoker> Bind);

/// <summary>Argument slots of one launch (not thread-safe; one per launcher).</summary>
public sealed class IlgpuArguments
{
    private const int MaxParameters = 32;
    private readonly MemoryBuffer?[] _buffers = new MemoryBuffer?[MaxParameters];
    private readonly int[] _offsets = new int[MaxParameters];
    private readonly int[] _lengths = new int[MaxParameters];
    private readonly int[] _scalars = new int[MaxParameters];

    /// <summary>Stages buffer parameter <paramref name="index"/> as elements [offset, offset + length).</summary>
    public void SetBuffer<T>(int index, MemoryBuffer1D<T, Stride1D.Dense> buffer, int offset, int length)
        where T : unmanaged
    {
        _buffers[index] = buffer;
        _offsets[index] = offset;
        _lengths[index] = length;
    }

    /// <summary>Stages a 32-bit scalar parameter (int, or the bits of a uint or float).</summary>
    public void SetBits(int index, int bits) => _scalars[index] = bits;

    /// <summary>Buffer parameter <paramref name="index"/> as the kernel sees it.</summary>
    public Buf<T> Buffer<T>(int index) where T : unmanaged
    {
        var buffer = (MemoryBuffer1D<T, Stride1D.Dense>)_buffers[index]!;
        return new Buf<T>(buffer.View.SubView(_offsets[index], _lengths[index]));
    }

    /// <summary>Int parameter <paramref name="index"/>.</summary>
    public int Int(int index) => _scalars[index];

    /// <summary>Uint parameter <paramref name="index"/>.</summary>
    public uint UInt(int index) => (uint)_scalars[index];

    /// <summary>Float parameter <paramref name="index"/>.</summary>
    public float Float(int index) => BitConverter.Int32BitsToSingle(_scalars[index]);

    /// <summary>Drops the buffer references (so a finished launch keeps no buffer alive).</summary>
    public void Clear() => Array.Clear(_buffers);
}
