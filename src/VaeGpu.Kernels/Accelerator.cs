// The accelerator abstraction: memory, copies and synchronization. Public methods check their
// arguments and then call a protected ...Core method that the backend implements (ILGPU's shape),
// so every backend rejects misuse the same way and before any work is done.
namespace VaeGpu.Kernels;

/// <summary>A compute device with its own memory that runs the VaeGpu op set.</summary>
public abstract partial class Accelerator : IDisposable
{
    /// <summary>Backend family.</summary>
    public abstract AcceleratorKind Kind { get; }

    /// <summary>Device facts for display.</summary>
    public abstract AcceleratorInfo Info { get; }

    /// <summary>Short name such as "cpu (2 threads)" or "opencl:0 (pthread-AMD EPYC)".</summary>
    public virtual string Name => $"{Kind.ToString().ToLowerInvariant()}:{Info.Index} ({Info.Name})";

    /// <summary>True once <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>
    /// Allocates <paramref name="length"/> elements (float, int, uint or byte); contents undefined.
    /// </summary>
    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged
    {
        ThrowIfDisposed();
        if (typeof(T) != typeof(float) && typeof(T) != typeof(int) && typeof(T) != typeof(uint)
            && typeof(T) != typeof(byte))
            throw new NotSupportedException(
                $"device buffers hold float, int, uint or byte, not {typeof(T).Name}");
        if (length <= 0)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"buffer length must be positive, got {length}");
        return AllocateCore<T>(length);
    }

    /// <summary>Allocates a buffer and fills it from host memory.</summary>
    public DeviceBuffer<T> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = Allocate<T>(data.Length);
        CopyFromHost(data, buffer.View);
        return buffer;
    }

    /// <summary>Copies host memory into a view of the same length.</summary>
    public void CopyFromHost<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged
    {
        CheckView(destination, 0, nameof(destination)); // length mismatch is the host span's, below
        if (destination.Length != source.Length)
            throw new ArgumentException(
                $"host span has {source.Length} elements but the view has {destination.Length}",
                nameof(source));
        CopyFromHostCore(source, destination);
    }

    /// <summary>Copies a view into host memory of the same length; waits for pending work.</summary>
    public void CopyToHost<T>(BufferView<T> source, Span<T> destination) where T : unmanaged
    {
        CheckView(source, 0, nameof(source)); // length mismatch is the host span's, below
        if (destination.Length != source.Length)
            throw new ArgumentException(
                $"host span has {destination.Length} elements but the view has {source.Length}",
                nameof(destination));
        CopyToHostCore(source, destination);
    }

    /// <summary>
    /// Reads a view back into a new array (convenience for tests and output, not the hot path).
    /// </summary>
    public T[] ToArray<T>(BufferView<T> source) where T : unmanaged
    {
        var result = new T[source.Length];
        CopyToHost(source, result);
        return result;
    }

    /// <summary>Copies between two views of equal length on this device.</summary>
    public void Copy<T>(BufferView<T> source, BufferView<T> destination) where T : unmanaged
    {
        CheckView(source, source.Length, nameof(source));
        CheckView(destination, source.Length, nameof(destination));
        if (source.Length != destination.Length)
            throw new ArgumentException(
                $"copy of {source.Length} elements into a view of {destination.Length}");
        if (source.Length > 0) CopyCore(source, destination);
    }

    /// <summary>Sets every element of the view to <paramref name="value"/>.</summary>
    public void Fill(BufferView<float> destination, float value)
    {
        CheckView(destination, destination.Length, nameof(destination));
        if (destination.Length > 0) FillCore(destination, value);
    }

    /// <summary>Waits until all work issued so far has finished.</summary>
    public void Synchronize()
    {
        ThrowIfDisposed();
        SynchronizeCore();
    }

    /// <summary>Releases the device context and everything it holds.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Backend allocation.</summary>
    protected abstract DeviceBuffer<T> AllocateCore<T>(int length) where T : unmanaged;
    /// <summary>Backend host-to-device copy; lengths already checked.</summary>
    protected abstract void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
        where T : unmanaged;
    /// <summary>Backend device-to-host copy; lengths already checked.</summary>
    protected abstract void CopyToHostCore<T>(BufferView<T> source, Span<T> destination) where T : unmanaged;
    /// <summary>Backend device-to-device copy; lengths already checked.</summary>
    protected abstract void CopyCore<T>(BufferView<T> source, BufferView<T> destination) where T : unmanaged;
    /// <summary>Backend fill.</summary>
    protected abstract void FillCore(BufferView<float> destination, float value);
    /// <summary>Backend synchronization.</summary>
    protected abstract void SynchronizeCore();
    /// <summary>Backend teardown; called once.</summary>
    protected abstract void DisposeCore();

    /// <summary>Throws if this accelerator was disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}
