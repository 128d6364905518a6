// A device buffer as a kernel sees it: a zero-based array over an ILGPU view. A launch passes the
// BufferView's range as the view (offset applied by SubView), so index 0 is the view's first element;
// the OpenCL translation passes a pointer and an offset instead and adds them in the kernel's prologue.
using System.Runtime.CompilerServices;
using ILGPU;

namespace VaeGpu.Kernels.Device;

/// <summary>A kernel's buffer parameter or group-shared array, indexed from 0.</summary>
public readonly struct Buf<T> where T : unmanaged
{
    private readonly ArrayView<T> _view;

    /// <summary>Wraps an ILGPU view whose element 0 is the kernel's element 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Buf(ArrayView<T> view) => _view = view;

    /// <summary>Element <paramref name="index"/> of the buffer.</summary>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _view[index];
    }
}

/// <summary>
/// A small per-work-item array from <see cref="KernelContext.Private{T}"/> (OpenCL: <c>T a[N]</c>;
/// ILGPU: local memory). Hot kernels keep their register blocks in scalars instead, so that the PTX
/// holds them in registers (ILGPU places these arrays in <c>.local</c> memory).
/// </summary>
public readonly struct PrivateArray<T> where T : unmanaged
{
    private readonly ArrayView<T> _view;

    /// <summary>Wraps ILGPU local memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal PrivateArray(ArrayView<T> view) => _view = view;

    /// <summary>Element <paramref name="index"/> of the array.</summary>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _view[index];
    }
}
