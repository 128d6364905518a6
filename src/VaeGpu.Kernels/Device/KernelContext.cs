// The work-item's view of a launch: ids, sizes, group-shared memory and barriers. Kernels call these;
// the generator maps each to its OpenCL C / CUDA C form, and the reference executor supplies them in C#.
namespace VaeGpu.Kernels.Device;

/// <summary>Per-work-item launch state passed as a kernel's first parameter.</summary>
public sealed class KernelContext
{
    internal readonly int[] GroupIdValue = new int[2];
    internal readonly int[] LocalIdValue = new int[2];
    internal readonly int[] GroupSizeValue = { 1, 1 };
    internal readonly int[] NumGroupsValue = { 1, 1 };

    /// <summary>
    /// Group-shared arrays for the reference executor: (call index, length, type) to array.
    /// </summary>
    internal Func<int, int, Type, Array>? SharedProvider;
    internal int SharedCalls;
    internal Action? BarrierAction;

    /// <summary>Global work-item index in dimension <paramref name="dim"/> (0 or 1).</summary>
    public int GlobalId(int dim) => GroupIdValue[dim] * GroupSizeValue[dim] + LocalIdValue[dim];

    /// <summary>Index within the work-group.</summary>
    public int LocalId(int dim) => LocalIdValue[dim];

    /// <summary>Index of the work-group.</summary>
    public int GroupId(int dim) => GroupIdValue[dim];

    /// <summary>Work-items per work-group.</summary>
    public int GroupSize(int dim) => GroupSizeValue[dim];

    /// <summary>Number of work-groups.</summary>
    public int NumGroups(int dim) => NumGroupsValue[dim];

    /// <summary>Total work-items.</summary>
    public int GlobalSize(int dim) => NumGroupsValue[dim] * GroupSizeValue[dim];

    /// <summary>A group-shared array; <paramref name="length"/> must be a compile-time constant.</summary>
    public Buf<T> Shared<T>(int length) where T : unmanaged
    {
        if (SharedProvider is null) return new Buf<T>(new T[length]);
        return new Buf<T>((T[])SharedProvider(SharedCalls++, length, typeof(T)));
    }

    /// <summary>Waits until every work-item of the group gets here; shared memory is then visible.</summary>
    public void Barrier() => BarrierAction?.Invoke();

    /// <summary>Sets the ids of the work-item this context runs next (reference executor).</summary>
    internal void MoveTo(int groupX, int groupY, int localX, int localY)
    {
        GroupIdValue[0] = groupX;
        GroupIdValue[1] = groupY;
        LocalIdValue[0] = localX;
        LocalIdValue[1] = localY;
        SharedCalls = 0;
    }

    /// <summary>Sets the launch geometry (reference executor).</summary>
    internal void SetGeometry(in LaunchDims dims)
    {
        GroupSizeValue[0] = dims.LocalX;
        GroupSizeValue[1] = dims.LocalY;
        NumGroupsValue[0] = dims.GlobalX / dims.LocalX;
        NumGroupsValue[1] = dims.GlobalY / dims.LocalY;
    }
}
