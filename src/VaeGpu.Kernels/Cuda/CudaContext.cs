// One device's primary context: retained on creation, made current on whichever thread calls us
// (tests and the runner may switch threads), released once on Dispose.
namespace VaeGpu.Kernels.Cuda;

/// <summary>A retained primary context of one CUDA device.</summary>
internal sealed class CudaContext : IDisposable
{
    // Compared by object, not handle: a re-retained primary context may reuse the old handle value.
    [ThreadStatic] private static CudaContext? t_current;

    public CudaContext(int device)
    {
        CudaException.ThrowIfFailed(CuApi.cuDeviceGet(out var handle, device));
        Device = handle;
        CudaException.ThrowIfFailed(CuApi.cuDevicePrimaryCtxRetain(out var context, handle));
        Handle = context;
        MakeCurrent();
    }

    /// <summary>The CUdevice.</summary>
    public int Device { get; }

    /// <summary>The CUcontext.</summary>
    public IntPtr Handle { get; }

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsReleased { get; private set; }

    /// <summary>Makes this context current on the calling thread (a no-op when it already is).</summary>
    public void MakeCurrent()
    {
        if (IsReleased) throw new ObjectDisposedException(nameof(CudaContext), "the CUDA context was released");
        if (ReferenceEquals(t_current, this)) return;
        CudaException.ThrowIfFailed(CuApi.cuCtxSetCurrent(Handle));
        t_current = this;
    }

    public void Dispose()
    {
        if (IsReleased) return;
        IsReleased = true;
        if (ReferenceEquals(t_current, this))
        {
            CuApi.cuCtxSetCurrent(IntPtr.Zero); // best effort: the release below is what matters
            t_current = null;
        }
        CudaException.ThrowIfFailed(CuApi.cuDevicePrimaryCtxRelease(Device));
    }
}
