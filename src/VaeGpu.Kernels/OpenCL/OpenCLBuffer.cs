// Device memory on an OpenCL context: one cl_mem per buffer, released as soon as Dispose is called.
namespace VaeGpu.Kernels.OpenCL;

/// <summary>A cl_mem holding <see cref="DeviceBuffer{T}.Length"/> elements of T.</summary>
public sealed unsafe class OpenCLBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    internal OpenCLBuffer(OpenCLAccelerator owner, int length) : base(owner, length)
    {
        ClStatus status;
        Handle = ClApi.CreateBuffer(owner.Context, ClApi.MemReadWrite, (nuint)SizeInBytes, null, &status);
        OpenCLException.ThrowIfFailed(status, $"allocating {SizeInBytes} bytes on {owner.Info.Name}");
    }

    /// <summary>The cl_mem handle.</summary>
    internal nint Handle { get; private set; }

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        var handle = Handle;
        Handle = 0;
        OpenCLException.ThrowIfFailed(ClApi.ReleaseMemObject(handle));
    }
}
