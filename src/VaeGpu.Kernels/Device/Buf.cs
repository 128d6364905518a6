// A device buffer as a kernel sees it: a zero-based array. On the device it is a pointer (the launch
// adds the view's offset); in C# (the reference executor) it wraps a managed array and an offset.
namespace VaeGpu.Kernels.Device;

/// <summary>A kernel's buffer parameter or group-shared array, indexed from 0.</summary>
public readonly struct Buf<T> where T : unmanaged
{
    private readonly T[] _array;
    private readonly int _offset;

    /// <summary>Wraps host memory for the reference executor.</summary>
    public Buf(T[] array, int offset = 0)
    {
        _array = array;
        _offset = offset;
    }

    /// <summary>Element <paramref name="index"/> of the buffer.</summary>
    public ref T this[int index] => ref _array[_offset + index];
}
