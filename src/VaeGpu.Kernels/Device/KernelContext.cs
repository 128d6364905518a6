// The work-item's view of a launch: ids, sizes, group-shared and private arrays, barriers. An empty value
// type: ILGPU compiles its members from IL to its Group/Grid intrinsics (PTX special registers), and our
// generator translates the same calls to OpenCL C (get_local_id, __local arrays, barrier, ...).
using System.Runtime.CompilerServices;
using ILGPU;

namespace VaeGpu.Kernels.Device;

/// <summary>Per-work-item launch state passed as a kernel's first parameter (pass <c>default</c>).</summary>
public readonly struct KernelContext
{
    /// <summary>Global work-item index in dimension <paramref name="dim"/> (0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GlobalId(int dim) => GroupId(dim) * GroupSize(dim) + LocalId(dim);

    /// <summary>Index within the work-group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LocalId(int dim) => dim == 0 ? Group.IdxX : Group.IdxY;

    /// <summary>Index of the work-group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GroupId(int dim) => dim == 0 ? Grid.IdxX : Grid.IdxY;

    /// <summary>Work-items per work-group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GroupSize(int dim) => dim == 0 ? Group.DimX : Group.DimY;

    /// <summary>Number of work-groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NumGroups(int dim) => dim == 0 ? Grid.DimX : Grid.DimY;

    /// <summary>Total work-items.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GlobalSize(int dim) => NumGroups(dim) * GroupSize(dim);

    /// <summary>
    /// A group-shared array (contents undefined); <paramref name="length"/> must be a compile-time constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Buf<T> Shared<T>(int length) where T : unmanaged => new(SharedMemory.Allocate<T>(length));

    /// <summary>
    /// A per-work-item array (contents undefined); <paramref name="length"/> must be a compile-time constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PrivateArray<T> Private<T>(int length) where T : unmanaged =>
        new(LocalMemory.Allocate<T>(length));

    /// <summary>Waits until every work-item of the group gets here; shared memory is then visible.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Barrier() => Group.Barrier();
}
