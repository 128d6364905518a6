// Device memory of the CUDA backend: allocation, copies on the context's default (legacy) stream,
// which orders them after every kernel launched before, and fill with cuMemsetD32.
namespace VaeGpu.Kernels.Cuda;

public sealed unsafe partial class CudaAccelerator
{
    /// <inheritdoc/>
    protected override DeviceBuffer<T> AllocateCore<T>(int length) => new CudaBuffer<T>(this, _context, length);

    /// <inheritdoc/>
    protected override void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        if (source.IsEmpty) return;
        _context.MakeCurrent();
        fixed (T* host = source)
            CudaException.ThrowIfFailed(CuApi.cuMemcpyHtoD(Device(destination), host, Bytes(destination)));
    }

    /// <inheritdoc/>
    protected override void CopyToHostCore<T>(BufferView<T> source, Span<T> destination)
    {
        if (destination.IsEmpty) return;
        _context.MakeCurrent();
        fixed (T* host = destination)
            CudaException.ThrowIfFailed(CuApi.cuMemcpyDtoH(host, Device(source), Bytes(source)));
    }

    /// <inheritdoc/>
    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination)
    {
        _context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuMemcpyDtoD(Device(destination), Device(source), Bytes(source)));
    }

    /// <inheritdoc/>
    protected override void FillCore(BufferView<float> destination, float value)
    {
        _context.MakeCurrent();
        uint bits = BitConverter.SingleToUInt32Bits(value);
        CudaException.ThrowIfFailed(CuApi.cuMemsetD32(Device(destination), bits, (nuint)destination.Length));
    }

    /// <inheritdoc/>
    protected override void SynchronizeCore()
    {
        _context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuCtxSynchronize());
    }

    private static ulong Device<T>(BufferView<T> view) where T : unmanaged =>
        ((CudaBuffer<T>)view.Buffer!).Address(view.Offset);

    private static nuint Bytes<T>(BufferView<T> view) where T : unmanaged => (nuint)((long)view.Length * sizeof(T));
}
