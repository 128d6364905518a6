// Buffers and copies on the OpenCL device. Host copies block (the span may not outlive the call);
// device-to-device copies are queued in order with the kernels.
namespace VaeGpu.Kernels.OpenCL;

public sealed unsafe partial class OpenCLAccelerator
{
    /// <inheritdoc/>
    protected override DeviceBuffer<T> AllocateCore<T>(int length) => new OpenCLBuffer<T>(this, length);

    /// <inheritdoc/>
    protected override void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        if (source.IsEmpty) return;
        fixed (T* p = source)
            OpenCLException.ThrowIfFailed(ClApi.EnqueueWriteBuffer(Queue, Handle(destination), ClApi.True,
                ByteOffset(destination), (nuint)((long)source.Length * sizeof(T)), p, 0, null, null));
    }

    /// <inheritdoc/>
    protected override void CopyToHostCore<T>(BufferView<T> source, Span<T> destination)
    {
        if (destination.IsEmpty) return;
        fixed (T* p = destination)
            OpenCLException.ThrowIfFailed(ClApi.EnqueueReadBuffer(Queue, Handle(source), ClApi.True,
                ByteOffset(source), (nuint)((long)destination.Length * sizeof(T)), p, 0, null, null));
    }

    /// <inheritdoc/>
    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination) =>
        OpenCLException.ThrowIfFailed(ClApi.EnqueueCopyBuffer(Queue, Handle(source), Handle(destination),
            ByteOffset(source), ByteOffset(destination), (nuint)((long)source.Length * sizeof(T)),
            0, null, null));

    private static nint Handle<T>(BufferView<T> view) where T : unmanaged =>
        ((OpenCLBuffer<T>)view.Buffer!).Handle;

    private static nuint ByteOffset<T>(BufferView<T> view) where T : unmanaged =>
        (nuint)((long)view.Offset * sizeof(T));
}
