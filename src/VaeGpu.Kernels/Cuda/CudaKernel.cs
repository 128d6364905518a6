// One generated kernel in a loaded module: its CUfunction and an argument block laid out the way
// cuLaunchKernel wants it (an array of pointers to each argument's value). A Buf<T> parameter is two
// device arguments, the base pointer then the int element offset, as the generator emits it.
using System.Runtime.InteropServices;
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Cuda;

/// <summary>A launchable kernel with reusable argument storage (not thread-safe).</summary>
internal sealed unsafe class CudaKernel : IDisposable
{
    private const int SlotBytes = 8; // every argument fits in 8 bytes (pointers, int, uint, float)

    private readonly int[] _firstArgument; // parameter index -> device argument index
    private readonly bool[] _isSet;         // per parameter, since Begin
    private byte* _slots;                   // device argument values, SlotBytes each
    private void** _pointers;               // cuLaunchKernel's kernelParams: &slot[i]

    public CudaKernel(KernelSource source, IntPtr function)
    {
        Source = source;
        Function = function;
        _firstArgument = new int[source.Parameters.Count];
        int count = 0;
        for (int i = 0; i < source.Parameters.Count; i++)
        {
            _firstArgument[i] = count;
            count += IsBuffer(source.Parameters[i].Kind) ? 2 : 1;
        }
        ArgumentCount = count;
        _isSet = new bool[source.Parameters.Count];
        _slots = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(1, count * SlotBytes));
        _pointers = (void**)NativeMemory.AllocZeroed((nuint)Math.Max(1, count * sizeof(void*)));
        for (int a = 0; a < count; a++) _pointers[a] = _slots + a * SlotBytes;
    }

    public KernelSource Source { get; }

    public IntPtr Function { get; }

    /// <summary>Device arguments (buffers count twice).</summary>
    public int ArgumentCount { get; }

    internal static bool IsBuffer(KernelParameterKind kind) => kind is KernelParameterKind.FloatBuffer
        or KernelParameterKind.IntBuffer or KernelParameterKind.UIntBuffer or KernelParameterKind.ByteBuffer;

    /// <summary>Forgets which parameters were set, so a launch with a missing one is caught.</summary>
    public void Reset() => Array.Clear(_isSet);

    public void SetBuffer(int index, ulong pointer, int offset, KernelParameterKind kind)
    {
        Check(index, kind);
        int a = _firstArgument[index];
        *(ulong*)(_slots + a * SlotBytes) = pointer;
        *(int*)(_slots + (a + 1) * SlotBytes) = offset;
    }

    public void SetInt(int index, int value)
    {
        Check(index, KernelParameterKind.Int);
        *(int*)(_slots + _firstArgument[index] * SlotBytes) = value;
    }

    public void SetUInt(int index, uint value)
    {
        Check(index, KernelParameterKind.UInt);
        *(uint*)(_slots + _firstArgument[index] * SlotBytes) = value;
    }

    public void SetFloat(int index, float value)
    {
        Check(index, KernelParameterKind.Float);
        *(float*)(_slots + _firstArgument[index] * SlotBytes) = value;
    }

    /// <summary>The raw value of device argument <paramref name="argument"/> (for tests).</summary>
    internal ulong RawArgument(int argument) => *(ulong*)(_slots + argument * SlotBytes);

    /// <summary>Enqueues the kernel on the context's default stream.</summary>
    public void Launch(in LaunchDims dims, int maxThreadsPerBlock)
    {
        for (int i = 0; i < _isSet.Length; i++)
            if (!_isSet[i])
                throw new InvalidOperationException(
                    $"kernel {Source.Name}: parameter {i} ({Source.Parameters[i].Name}) was not set before launch");
        var grid = Grid(dims, maxThreadsPerBlock, Source.Name);
        var status = CuApi.cuLaunchKernel(Function, grid.X, grid.Y, 1, (uint)dims.LocalX, (uint)dims.LocalY, 1, 0,
            IntPtr.Zero, _pointers, null);
        if (status != CuResult.CUDA_SUCCESS)
            throw CudaException.Failed(status, $"cuLaunchKernel({Source.Name}, grid {grid.X}x{grid.Y}, "
                + $"block {dims.LocalX}x{dims.LocalY})");
    }

    /// <summary>Blocks per dimension; a launch geometry only a bug can produce throws with the kernel's name.</summary>
    internal static (uint X, uint Y) Grid(in LaunchDims dims, int maxThreadsPerBlock, string kernel)
    {
        if (dims.LocalX <= 0 || dims.LocalY <= 0 || dims.GlobalX <= 0 || dims.GlobalY <= 0
            || dims.GlobalX % dims.LocalX != 0 || dims.GlobalY % dims.LocalY != 0)
            throw new ArgumentException($"kernel {kernel}: bad launch {dims} (global must be a positive "
                + "multiple of local)", nameof(dims));
        if ((long)dims.LocalX * dims.LocalY > maxThreadsPerBlock)
            throw new ArgumentException($"kernel {kernel}: block {dims.LocalX}x{dims.LocalY} exceeds the "
                + $"device's {maxThreadsPerBlock} threads per block", nameof(dims));
        return ((uint)(dims.GlobalX / dims.LocalX), (uint)(dims.GlobalY / dims.LocalY));
    }

    private void Check(int index, KernelParameterKind kind)
    {
        if ((uint)index >= (uint)_firstArgument.Length)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"kernel {Source.Name} has {_firstArgument.Length} parameters, not {index + 1}");
        var declared = Source.Parameters[index].Kind;
        if (declared != kind)
            throw new ArgumentException($"kernel {Source.Name}: parameter {index} ({Source.Parameters[index].Name}) "
                + $"is {declared}, set as {kind}", nameof(index));
        _isSet[index] = true;
    }

    public void Dispose()
    {
        NativeMemory.Free(_slots);
        NativeMemory.Free(_pointers);
        _slots = null;
        _pointers = null;
    }
}
