// Device memory owned by one accelerator, and views (offset, length) into it.
namespace VaeGpu.Kernels;

/// <summary>A typed block of device memory; element types are float, int, uint and byte.</summary>
public abstract class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    /// <summary>Creates the bookkeeping for a buffer of <paramref name="length"/> elements.</summary>
    protected DeviceBuffer(Accelerator owner, int length)
    {
        Owner = owner;
        Length = length;
    }

    /// <summary>The accelerator that allocated this buffer.</summary>
    public Accelerator Owner { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Size in bytes.</summary>
    public long SizeInBytes => (long)Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>True once <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>A view of the whole buffer.</summary>
    public BufferView<T> View => new(this, 0, Length);

    /// <summary>A view of <paramref name="length"/> elements from <paramref name="offset"/>.</summary>
    public BufferView<T> Slice(int offset, int length) => View.Slice(offset, length);

    /// <summary>The whole buffer as a view.</summary>
    public static implicit operator BufferView<T>(DeviceBuffer<T> buffer) => buffer.View;

    /// <summary>Releases the device memory now.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the backend's memory; called once.</summary>
    protected abstract void DisposeCore();

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}<{typeof(T).Name}>[{Length}]";
}

/// <summary>A contiguous range of a device buffer: elements [Offset, Offset + Length).</summary>
public readonly struct BufferView<T> where T : unmanaged
{
    /// <summary>Creates a view; bounds are checked.</summary>
    public BufferView(DeviceBuffer<T> buffer, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (offset < 0 || length < 0 || (long)offset + length > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"view [{offset}, {(long)offset + length}) does not fit in a buffer of "
                + $"{buffer.Length} elements");
        Buffer = buffer;
        Offset = offset;
        Length = length;
    }

    /// <summary>The underlying buffer; null for the default (absent) view.</summary>
    public DeviceBuffer<T>? Buffer { get; }

    /// <summary>First element of the view within the buffer.</summary>
    public int Offset { get; }

    /// <summary>Number of elements in the view.</summary>
    public int Length { get; }

    /// <summary>True for <c>default</c>: an optional argument that was not given.</summary>
    public bool IsEmpty => Buffer is null;

    /// <summary>A sub-view relative to this view.</summary>
    public BufferView<T> Slice(int offset, int length)
    {
        if (Buffer is null) throw new InvalidOperationException("cannot slice an empty view");
        if (offset < 0 || length < 0 || (long)offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"slice [{offset}, {(long)offset + length}) does not fit in a view of {Length} elements");
        return new BufferView<T>(Buffer, Offset + offset, length);
    }

    /// <inheritdoc/>
    public override string ToString() => Buffer is null ? "(none)" : $"{Buffer}[{Offset}..{Offset + Length})";
}
