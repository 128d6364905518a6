// Device memory of the CUDA backend through ILGPU: allocation, and copies on the accelerator's default
// stream, which orders them after every kernel launched before (host copies wait for the stream).
using ILGPU;
using ILGPU.Runtime;

namespace VaeGpu.Kernels.Cuda;

public sealed partial class CudaAccelerator
{
    /// <inheritdoc/>
    protected override DeviceBuffer<T> AllocateCore<T>(int length) => new CudaBuffer<T>(this, _device, length);

    /// <inheritdoc/>
    protected override void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        if (source.IsEmpty) return;
        View(destination).CopyFromCPU(_device.DefaultStream, ref System.Runtime.InteropServices.MemoryMarshal
            .GetReference(source), source.Length);
    }

    /// <inheritdoc/>
    protected override void CopyToHostCore<T>(BufferView<T> source, Span<T> destination)
    {
        if (destination.IsEmpty) return;
        View(source).CopyToCPU(_device.DefaultStream,
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination), destination.Length);
    }

    /// <inheritdoc/>
    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination) =>
        View(source).CopyTo(_device.DefaultStream, View(destination));

    /// <inheritdoc/>
    protected override void SynchronizeCore() => _device.Synchronize();

    private static ArrayView<T> View<T>(BufferView<T> view) where T : unmanaged =>
        ((CudaBuffer<T>)view.Buffer!).SubView(view.Offset, view.Length);
}
