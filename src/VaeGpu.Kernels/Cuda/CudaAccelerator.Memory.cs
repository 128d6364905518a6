// Device memory of the CUDA backend through ILGPU: allocation, and copies on the accelerator's default
// stream, which orders them after every kernel launched before (host copies wait for the stream).
// ILGPU's CopyFromCPU/CopyToCPU take a raw reference to host memory without pinning it, so a managed array
// is pinned for the call: a compacting GC that moved it mid-copy would copy stale memory (seen as zeros in
// a conformance test's guard cells under load). Copies with pageable host memory are done with the host
// side when the call returns (on CUDA staged or completed, on ILGPU's CPU accelerator synchronous).
using ILGPU;
using ILGPU.Runtime;

namespace VaeGpu.Kernels.Cuda;

public sealed partial class CudaAccelerator
{
    /// <inheritdoc/>
    protected override DeviceBuffer<T> AllocateCore<T>(int length) =>
        new CudaBuffer<T>(this, _device, length);

    /// <inheritdoc/>
    protected override unsafe void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        if (source.IsEmpty) return;
        fixed (T* pinned = source)
            View(destination).CopyFromCPU(_device.DefaultStream, ref *pinned, source.Length);
    }

    /// <inheritdoc/>
    protected override unsafe void CopyToHostCore<T>(BufferView<T> source, Span<T> destination)
    {
        if (destination.IsEmpty) return;
        fixed (T* pinned = destination)
            View(source).CopyToCPU(_device.DefaultStream, ref *pinned, destination.Length);
    }

    /// <inheritdoc/>
    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination) =>
        View(source).CopyTo(_device.DefaultStream, View(destination));

    /// <inheritdoc/>
    protected override void SynchronizeCore() => _device.Synchronize();

    private static ArrayView<T> View<T>(BufferView<T> view) where T : unmanaged =>
        ((CudaBuffer<T>)view.Buffer!).SubView(view.Offset, view.Length);
}
